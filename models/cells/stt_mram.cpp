// STT-MRAM: binary magnetic tunnel junctions. A digit-1 target is the parallel state
// (G_P = 1/R_P, the window's top), a digit-0 target the antiparallel one
// (G_AP = 1/(R_P·(1 + TMR)), its bottom). Device spread is lognormal, reads add relative noise,
// faults stick devices in either state, and each read may flip a device (read disturb). There is
// no drift within a compute window. The small on/off ratio makes G_min large, which the mapping's
// reference column or digital offset removal takes away (docs/design.md §4); the large currents are
// flagged against column_current_limit_ua.

#include <cmath>

#include "models/cells/device_effects.hpp"

namespace cimsim::models {

namespace {

ConductanceWindow stt_window(const config::Params& p) {
  const double g_p = 1e3 / p.real("r_p_kohm");  // 1/kΩ = 1000 µS
  return {g_p / (1 + p.real("tmr")), g_p};
}

class SttMramCell final : public DeviceCell {
 public:
  explicit SttMramCell(const config::Params& p)
      : DeviceCell(p, stt_window(p), 1),
        read_relative_(p.real("read_noise_relative")),
        disturb_p_(p.real("read_disturb_probability")),
        direction_(p.text("read_disturb_direction")),
        current_limit_ua_(p.real("column_current_limit_ua")),
        spread_(DeviceSpread::from(p)),
        stuck_(StuckAt::from(p)) {}

  ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey& key, double) const override {
    const Eigen::Index rows = target_us.rows(), cols = target_us.cols();
    const auto g_ap = static_cast<float>(window_.g_min_us), g_p = static_cast<float>(window_.g_max_us);
    const float middle = 0.5f * (g_ap + g_p);
    const Eigen::MatrixXf spread = spread_.factors(rows, cols, key);

    ArrayDevices out;
    out.g_us = (target_us.array() >= middle).select(g_p, Eigen::MatrixXf::Constant(rows, cols, g_ap));
    const auto stuck = stuck_.apply(out.g_us, key, g_ap, g_p);
    // The other state of each device, with the same junction (the spread scales both states).
    const Eigen::MatrixXf other = (out.g_us.array() >= middle).select(g_ap, Eigen::MatrixXf::Constant(rows, cols, g_p));
    out.g_us = out.g_us.cwiseProduct(spread);

    if (read_relative_ > 0) add_read_sigma(out, out.g_us * static_cast<float>(read_relative_));
    if (disturb_p_ > 0) {
      const bool from_p = direction_ != "ap_to_p", from_ap = direction_ != "p_to_ap";
      out.disturb_probability.resize(rows, cols);
      for (Eigen::Index r = 0; r < rows; ++r)
        for (Eigen::Index c = 0; c < cols; ++c) {
          const bool in_p = other(r, c) < middle;
          const bool can_flip = (in_p ? from_p : from_ap) && !(stuck.size() > 0 && stuck(r, c));
          out.disturb_probability(r, c) = can_flip ? static_cast<float>(disturb_p_) : 0.0f;
        }
      out.disturbed_g_us = other.cwiseProduct(spread);
    }
    return out;
  }

  double column_current_limit_ua() const override { return current_limit_ua_; }

 private:
  double read_relative_, disturb_p_;
  std::string direction_;
  double current_limit_ua_;
  DeviceSpread spread_;
  StuckAt stuck_;
};

config::SectionSpec spec() {
  config::SectionSpec s("stt_mram", "");
  s.real("r_p_kohm", 3.0, "kOhm",
         "Parallel-state resistance R_P; G_max = 1/R_P (typical R_P: 2-5 kOhm)")
      .above(0);
  s.real("tmr", 1.5, "1",
         "Tunnel magnetoresistance (R_AP - R_P)/R_P; G_min = G_max/(1 + TMR) (typical: 100-200 %; mid-range)")
      .above(0);
  s.real("read_noise_relative", 0.01, "1", "Per-read noise std-dev as a fraction of G (typical: below 1 %)")
      .at_least(0);
  s.real("read_disturb_probability", 3e-8, "1/read",
         "Probability that one read flips a device (typical: 1e-9 to 1e-6 per read; the geometric middle)")
      .range(0, 1);
  s.choice("read_disturb_direction", "both", {"both", "p_to_ap", "ap_to_p"},
           "Which state a read can flip: the read current's polarity favours one switching direction");
  s.real("column_current_limit_ua", 1280, "uA",
         "Column current a read may draw before it is flagged: 256 rows x 25 uS x 0.2 V, the most a "
         "HERMES-size PCM array draws (256-row cores, Le Gallo et al. 2023; 25 uS, the IBM PCM fit's G_max, Nandakumar et al. 2019; "
         "0.2 V, the default read voltage); 0 = no "
         "limit")
      .at_least(0);
  DeviceSpread::declare(s, 0.045, "typical R_P and R_AP spread of 3-6 %: mid-range");
  StuckAt::declare(s, 1e-6, 1e-6, "typical stuck-at rates, in the ppm range");
  DeviceFacts f;
  f.area_f2 = 45;
  f.area_source = "typical 1T1MTJ cells take 30-60 F^2: mid-range";
  f.read_latency_ns = 10;
  f.latency_source = "typical reads take 2-10 ns at about 0.1 V: the upper end";
  f.write_pulses_low = 1;
  f.write_pulses_level = 1;
  f.write_source = "binary: one pulse per state; pulse energy and duration not characterised";
  f.endurance_writes = 1e12;
  f.endurance_source = "typical: above 1e12 writes";
  declare_device_facts(s, f);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"stt_mram", "STT-MRAM: binary cells from R_P and TMR, device spread, read noise, read disturb, stuck-at faults",
     spec(), [](const config::Params& p) { return std::make_unique<SttMramCell>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
