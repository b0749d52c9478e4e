#include "models/cells/mtj_device.hpp"

#include <cmath>

namespace cimsim::models {

namespace {

// The smallest uniform draw (rng::Stream::to_unit): a probability below it flips nothing.
constexpr double kSmallestUniform = 0.5 / 9007199254740992.0;

ConductanceWindow mtj_window(const config::Params& p) {
  const double g_p = 1e3 / p.real("r_p_kohm");  // 1/kΩ = 1000 µS
  return {g_p / (1 + p.real("tmr")), g_p};
}

}  // namespace

void declare_mtj_keys(config::SectionSpec& s, const MtjDefaults& d) {
  s.real("r_p_kohm", 3.0, "kOhm",
         "Parallel-state resistance R_P; G_max = 1/R_P (typical R_P: 2-5 kOhm)")
      .above(0);
  s.real("tmr", 1.5, "1",
         "Tunnel magnetoresistance (R_AP - R_P)/R_P at temperature_ref_k; G_min = G_max/(1 + TMR) (typical: 100-200 %; "
         "mid-range)")
      .above(0);
  s.real("read_noise_relative", 0.01, "1", "Per-read noise std-dev as a fraction of G (typical: below 1 %)")
      .at_least(0);
  s.real("read_disturb_probability", d.read_disturb_probability, "1/read",
         "Probability that one read flips a device (" + d.disturb_source + ")")
      .range(0, 1);
  s.choice("read_disturb_direction", "both", {"both", "p_to_ap", "ap_to_p"},
           "Which state a read can flip: the read current's polarity favours one switching direction");
  s.real("column_current_limit_ua", 1280, "uA",
         "Column current a read may draw: 256 rows x 25 uS x 0.2 V, the most a HERMES-size PCM array draws (256-row "
         "cores, Le Gallo et al. 2023; 25 uS, the IBM PCM fit's G_max, Nandakumar et al. 2019; 0.2 V, the default read "
         "voltage); 0 = no limit")
      .at_least(0);
  s.choice("column_current_effect", "flag", {"flag", "clip"},
           "flag: columns over the limit are counted and reported; clip: each column's current saturates at the limit "
           "(a sense circuit that clamps)");
  declare_reference_temperature(s, "R_P, TMR and thermal stability");
  s.real("tmr_polarization_alpha", 1.17e-5, "K^-1.5",
         "Spin-polarisation decay P(T) = P0 (1 - alpha T^1.5) (thermal magnons, Shang et al., Phys. Rev. B 1998), fitted "
         "to 604 % TMR at 300 K and 1144 % at 5 K of CoFeB/MgO junctions (Ikeda et al., Appl. Phys. Lett. 2008)")
      .at_least(0);
  s.real("thermal_stability", 60, "kT",
         "Energy barrier over k_B T at temperature_ref_k (60 for 10-year retention of large arrays: Apalkov et al., "
         "ACM JETC 2013)")
      .above(0);
  s.real("attempt_time_ns", 1, "ns", "Attempt time tau0 of thermally activated switching (Brown, Phys. Rev. 1963)")
      .above(0);
  DeviceSpread::declare(s, 0.045, "typical R_P and R_AP spread of 3-6 %: mid-range");
  StuckAt::declare(s, 1e-6, 1e-6, "typical stuck-at rates, in the ppm range");
  declare_device_facts(s, d.facts);
}

MtjDevice::MtjDevice(const config::Params& p)
    : DeviceCell(p, mtj_window(p), 1),
      r_p_kohm_(p.real("r_p_kohm")),
      tmr_ref_(p.real("tmr")),
      read_relative_(p.real("read_noise_relative")),
      disturb_p_(p.real("read_disturb_probability")),
      direction_(p.text("read_disturb_direction")),
      current_limit_ua_(p.real("column_current_limit_ua")),
      clips_(p.text("column_current_effect") == "clip"),
      t_ref_k_(p.real("temperature_ref_k")),
      alpha_(p.real("tmr_polarization_alpha")),
      stability_(p.real("thermal_stability")),
      attempt_s_(p.real("attempt_time_ns") * 1e-9),
      spread_(DeviceSpread::from(p)),
      stuck_(StuckAt::from(p)) {
  if (alpha_ * std::pow(std::max(t_ref_k_, 500.0), 1.5) >= 1)
    p.fail("tmr_polarization_alpha", "leaves no spin polarisation below 500 K");
}

double MtjDevice::tmr_at(double t_k) const {
  if (t_k == t_ref_k_) return tmr_ref_;
  // Julliere: TMR = 2P²/(1 − P²), so P² = TMR/(2 + TMR).
  const double p_ref = std::sqrt(tmr_ref_ / (2 + tmr_ref_));
  const double p0 = p_ref / (1 - alpha_ * std::pow(t_ref_k_, 1.5));
  const double p = std::max(0.0, p0 * (1 - alpha_ * std::pow(t_k, 1.5)));
  const double p2 = std::min(p * p, 0.999999);
  return 2 * p2 / (1 - p2);
}

double MtjDevice::retention_flip_probability(double t_s, double t_k) const {
  const double tau_s = attempt_s_ * std::exp(stability_ * t_ref_k_ / t_k);
  return -std::expm1(-t_s / tau_s);
}

ArrayDevices MtjDevice::program(const Eigen::MatrixXf& target_us, const ArrayKey& key, double t_s) const {
  const Eigen::Index rows = target_us.rows(), cols = target_us.cols();
  const auto g_p = static_cast<float>(window_.g_max_us);
  const auto g_ap_ref = static_cast<float>(window_.g_min_us);
  const auto g_ap = static_cast<float>(1e3 / (r_p_kohm_ * (1 + tmr_at(key.temperature_k))));
  const float middle = 0.5f * (g_ap_ref + g_p);
  const Eigen::MatrixXf spread = spread_.factors(rows, cols, key);

  ArrayDevices out;
  out.g_us = (target_us.array() >= middle).select(g_p, Eigen::MatrixXf::Constant(rows, cols, g_ap));
  const auto stuck = stuck_.apply(out.g_us, key, g_ap, g_p);
  // Thermally activated flips between programming and the inference (stuck devices stay).
  const double p_flip = retention_flip_probability(t_s, key.temperature_k);
  if (p_flip > kSmallestUniform) {
    const rng::Stream s = device_stream(key, rng::Purpose::Retention);
    for (Eigen::Index r = 0; r < rows; ++r)
      for (Eigen::Index c = 0; c < cols; ++c) {
        if (stuck.size() > 0 && stuck(r, c)) continue;
        if (s.uniform(static_cast<std::uint64_t>(r * cols + c)) < p_flip) out.g_us(r, c) = out.g_us(r, c) >= middle ? g_ap : g_p;
      }
  }
  // The other state of each device, with the same junction (the spread scales both states).
  const Eigen::MatrixXf other =
      (out.g_us.array() >= middle).select(g_ap, Eigen::MatrixXf::Constant(rows, cols, g_p));
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

}  // namespace cimsim::models
