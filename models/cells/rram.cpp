// Multi-level RRAM. One model carries the terms of the three published fits, each a preset:
//   spread at time t    G = G_t + σ(x, t)·ξ, σ a polynomial in x (G_t in µS, or G_t/G_max), given
//                       at one or more times since programming and interpolated linearly in ln t
//                       between them (held at the first and last time outside);
//                       Milo et al. (HfO2): one time, linear in G; Wan et al. (NeuRRAM): 1 s,
//                       1 day, 2 days, quartic in G/G_max
//   relaxation          + shift·ln t + (a + b·ln t)·ξ' (Falcone et al., HfOx), t ≥ relax_t_min_s
//   accumulated 1/f     σ = K·log10(G)·sqrt(ln((t + t_read)/(2·t_read))) (Falcone et al., HfOx)
//   per-read noise      σ = read_noise_relative·G (NeuRRAM: about 1 %)
//   I–V non-linearity   I = G·V + k2·G·V² + k3·G·V³ (Milo et al.)
//   device spread       lognormal, d2d_sigma; stuck-at SA0/SA1 rates
//   temperature         read and 1/f noise std-dev × (T/T_ref)^γ: trap-number fluctuations give a
//                       noise power proportional to k·T (McWhorter's model, 1957), so γ = 0.5
// The terms differ between fits but compose without conflict, so one model keeps every RRAM knob
// under the same keys for sweeps; a term a fit lacks is zero in its preset.

#include <algorithm>
#include <cmath>

#include "models/cells/device_effects.hpp"

namespace cimsim::models {

namespace {

// σ(x) polynomials at several times since programming, interpolated in ln t.
struct SigmaOverTime {
  std::vector<double> times_s;
  std::vector<std::vector<double>> coeffs;

  static SigmaOverTime from(const config::Params& p) {
    SigmaOverTime s;
    s.times_s = p.reals("sigma_times_s");
    const auto& flat = p.reals("sigma_coeffs_us");
    if (s.times_s.empty()) p.fail("sigma_times_s", "needs at least one time");
    for (std::size_t k = 1; k < s.times_s.size(); ++k)
      if (s.times_s[k] <= s.times_s[k - 1]) p.fail("sigma_times_s", "must be strictly increasing");
    if (flat.empty() || flat.size() % s.times_s.size() != 0)
      p.fail("sigma_coeffs_us", "needs the same number of coefficients for each of the " +
                                    std::to_string(s.times_s.size()) + " sigma_times_s entries");
    const std::size_t per = flat.size() / s.times_s.size();
    for (std::size_t k = 0; k < s.times_s.size(); ++k)
      s.coeffs.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(k * per),
                            flat.begin() + static_cast<std::ptrdiff_t>((k + 1) * per));
    return s;
  }

  // The interpolation weights at time t: σ = (1 − w)·σ_k + w·σ_{k+1}.
  std::pair<std::size_t, double> bracket(double t_s) const {
    if (times_s.size() == 1 || t_s <= times_s.front()) return {0, 0.0};
    if (t_s >= times_s.back()) return {times_s.size() - 2, 1.0};
    std::size_t k = 0;
    while (times_s[k + 1] <= t_s) ++k;
    return {k, (std::log(t_s) - std::log(times_s[k])) / (std::log(times_s[k + 1]) - std::log(times_s[k]))};
  }

  double at(double x, std::pair<std::size_t, double> b) const {
    const double lo = std::max(0.0, polynomial(coeffs[b.first], x));
    if (b.second == 0.0) return lo;
    const double hi = std::max(0.0, polynomial(coeffs[b.first + 1], x));
    return (1 - b.second) * lo + b.second * hi;
  }
};

class RramCell final : public DeviceCell {
 public:
  explicit RramCell(const config::Params& p)
      : DeviceCell(p, ConductanceWindow::from(p), static_cast<int>(p.integer("max_bits_per_cell"))),
        sigma_(SigmaOverTime::from(p)),
        normalised_(p.text("sigma_variable") == "g_norm"),
        sigma_scale_(p.real("prog_noise_scale") *
                     (p.real("sigma_g_max_ref_us") > 0 ? window_.g_max_us / p.real("sigma_g_max_ref_us") : 1.0)),
        relax_shift_(p.real("relax_shift_us_per_ln_s")),
        relax_sigma_(p.reals("relax_sigma_us")),
        relax_t_min_s_(p.real("relax_t_min_s")),
        read_relative_(p.real("read_noise_relative")),
        flicker_us_(p.real("read_noise_1f_us")),
        flicker_t_read_s_(p.real("read_noise_1f_t_read_s")),
        draw_(noise_draw_from(p, "read_noise_draw")),
        t_ref_k_(p.real("temperature_ref_k")),
        noise_exponent_(p.real("noise_temperature_exponent")),
        nl2_(p.real("iv_nl2_per_v")),
        nl3_(p.real("iv_nl3_per_v2")),
        spread_(DeviceSpread::from(p)),
        stuck_(StuckAt::from(p)) {
    if (relax_sigma_.size() != 2) p.fail("relax_sigma_us", "needs 2 numbers [a, b] of a + b*ln(t)");
  }

  ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey& key, double t_s) const override {
    const Eigen::Index rows = target_us.rows(), cols = target_us.cols();
    const rng::Stream prog = device_stream(key, rng::Purpose::Programming);
    const rng::Stream relax = device_stream(key, rng::Purpose::Relaxation);
    const Eigen::MatrixXf spread = spread_.factors(rows, cols, key);
    const auto when = sigma_.bracket(t_s);
    const double ln_t = std::log(std::max(t_s, relax_t_min_s_));
    const double shift = relax_shift_ * ln_t;
    const double relax_sigma = std::max(0.0, relax_sigma_[0] + relax_sigma_[1] * ln_t);

    ArrayDevices out;
    out.g_us.resize(rows, cols);
    const auto n = static_cast<std::size_t>(rows * cols);
    const std::vector<float> z_prog = prog.normals_fast(n);
    const std::vector<float> z_relax = relax_sigma > 0 || shift != 0 ? relax.normals_fast(n) : std::vector<float>();
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index c = 0; c < cols; ++c) {
        const auto i = static_cast<std::uint64_t>(r * cols + c);
        const double g_t = target_us(r, c);
        const double x = normalised_ ? g_t / window_.g_max_us : g_t;
        double g = g_t + sigma_.at(x, when) * sigma_scale_ * z_prog[i];
        if (relax_sigma > 0 || shift != 0) g += shift + relax_sigma * z_relax[i];
        out.g_us(r, c) = static_cast<float>(std::max(0.0, g * spread(r, c)));
      }
    }
    stuck_.apply(out.g_us, key, static_cast<float>(window_.g_min_us), static_cast<float>(window_.g_max_us));

    const double thermal = std::pow(key.temperature_k / t_ref_k_, noise_exponent_);
    const double flicker = flicker_us_ * accumulated_noise_factor(t_s, flicker_t_read_s_) * thermal;
    if (flicker > 0) {
      const Eigen::MatrixXf sigma =
          out.g_us.unaryExpr([&](float g) { return static_cast<float>(flicker * std::max(0.0, std::log10(double{g}))); });
      apply_time_noise(out, sigma, draw_, key);
    }
    if (read_relative_ > 0) add_read_sigma(out, out.g_us * static_cast<float>(read_relative_ * thermal));
    if (nl2_ != 0) out.iv_nl2_ua_per_v2 = out.g_us * static_cast<float>(nl2_);
    if (nl3_ != 0) out.iv_nl3_ua_per_v3 = out.g_us * static_cast<float>(nl3_);
    return out;
  }

 private:
  SigmaOverTime sigma_;
  bool normalised_;
  double sigma_scale_;
  double relax_shift_;
  std::vector<double> relax_sigma_;
  double relax_t_min_s_, read_relative_, flicker_us_, flicker_t_read_s_;
  NoiseDraw draw_;
  double t_ref_k_, noise_exponent_;
  double nl2_, nl3_;
  DeviceSpread spread_;
  StuckAt stuck_;
};

config::SectionSpec spec() {
  const std::string milo = "HfO2 fit, Milo et al. IRPS 2021, Fig. 4";
  config::SectionSpec s("rram", "");
  declare_conductance_window(s, 50.0, 225.0, milo);
  s.choice("sigma_variable", "g_us", {"g_us", "g_norm"},
           "Variable of the sigma polynomials: g_us = target conductance in uS, g_norm = target / g_max_us");
  s.reals("sigma_times_s", {1.0}, "s",
          "Times since programming at which sigma_coeffs_us are given; interpolated in ln t between them, held "
          "outside; one time = time-independent");
  s.reals("sigma_coeffs_us", {4.782321, -0.009107}, "uS",
          "Conductance spread std-dev: polynomial coefficients (constant first) for each sigma_times_s entry in "
          "turn, clipped at 0 (" + milo + ")");
  s.real("sigma_g_max_ref_us", 0.0, "uS",
         "g_max the sigma polynomials were fitted at; sigma scales by g_max_us / this; 0 = no scaling")
      .at_least(0);
  s.real("prog_noise_scale", 1.0, "1", "Multiplies the conductance spread (1 = the fit)").at_least(0);
  s.real("relax_shift_us_per_ln_s", 0.0, "uS", "Mean relaxation: shift of every conductance per unit of ln(t/1 s)");
  s.reals("relax_sigma_us", {0.0, 0.0}, "uS", "Relaxation spread [a, b]: std-dev a + b*ln(t/1 s), drawn per device");
  s.real("relax_t_min_s", 1.0, "s", "Earliest time of the relaxation fit; earlier times use its value").above(0);
  s.real("read_noise_relative", 0.0, "1", "Per-read noise std-dev as a fraction of the conductance").at_least(0);
  s.real("read_noise_1f_us", 0.0, "uS",
         "Accumulated 1/f noise K: std-dev K*log10(G/1 uS)*sqrt(ln((t + t_read)/(2 t_read))); 0 = none")
      .at_least(0);
  s.real("read_noise_1f_t_read_s", 1e-6, "s", "t_read of the accumulated 1/f noise").above(0);
  declare_reference_temperature(s, "noise figures");
  s.real("noise_temperature_exponent", 0.5, "1",
         "Read and 1/f noise std-dev scale as (T/T_ref)^exponent; 0.5: noise power proportional to kT, as trap-number "
         "fluctuations give it (McWhorter, 'Semiconductor surface physics', 1957)")
      .at_least(0);
  declare_noise_draw(s, "read_noise_draw", "Accumulated 1/f noise");
  s.real("iv_nl2_per_v", 0.0, "1/V",
         "I-V non-linearity, quadratic: I = G*V*(1 + k2*V + k3*V^2); 0 = linear. Milo et al. fit coefficients for HfO2 "
         "that are not shipped");
  s.real("iv_nl3_per_v2", 0.0, "1/V^2", "I-V non-linearity, cubic k3 of I = G*V*(1 + k2*V + k3*V^2); 0 = linear");
  DeviceSpread::declare(s, 0.0, "0: the fitted spread already spans the measured devices");
  StuckAt::declare(s, 0.0, 0.0, "0 in the fits; Chen et al., IEEE TC 2015 report SA0 1.75 %, SA1 9.04 %");
  DeviceFacts f;
  f.area_f2 = 12;
  f.area_source = "typical 1T1R RRAM cells take 12-40 F^2";
  f.max_bits = 4;
  f.bits_source = "typical: 8-16 levels per cell with program-verify";
  f.read_latency_ns = 10;
  f.latency_source = "typical RRAM reads take 10-100 ns";
  f.write_pulse_energy_pj = 10;
  f.write_pulse_ns = 10;
  f.write_source = "about 10 pJ and under 10 ns per switching pulse, Lanza et al., Adv. Electron. Mater. 2019; "
                   "pulses per level are not given for these fits";
  f.endurance_writes = 1e6;
  f.endurance_source = "lower end of a typical 1e6-1e9 writes";
  declare_device_facts(s, f);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"rram", "Multi-level RRAM: time-dependent spread, relaxation, 1/f and read noise, I-V non-linearity, device "
             "spread, stuck-at faults (HfO2, NeuRRAM and HfOx fits)",
     spec(), [](const config::Params& p) { return std::make_unique<RramCell>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
