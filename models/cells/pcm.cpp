// Phase-change memory, as fitted on measured devices (Nandakumar et al., ICECS 2019; Joshi et al.,
// Nat. Commun. 2020; the HERMES fit of Le Gallo et al., Nat. Electron. 2023):
//   programming error  G_prog = max(0, G_t + σ_prog(ĝ_t)·ξ),  σ_prog a polynomial in ĝ_t = G_t/G_max
//   drift              G_drift = G_prog·((t + t0)/t0)^(−ν),  ν = |μ_ν(ĝ_t) + σ_ν(ĝ_t)·ξ| per device
//   1/f noise at t     σ = |G_drift|·Q_s(ĝ_prog)·sqrt(ln((t + t_read)/(2·t_read)))
// Temperature accelerates the structural relaxation behind drift: with Arrhenius kinetics over a
// distribution of activation energies, the relaxed state depends on the demarcation energy
// k·T·ln(f0·t) only (Ielmini, Lavizzari, Sharma and Lacaita, Appl. Phys. Lett. 2008), so a time t
// at temperature T drifts as the time t_ref = (f0·t)^(T/T_ref)/f0 at the fit's temperature; the
// effective drift exponent over log time becomes ν·T/T_ref.
// μ_ν, σ_ν and Q_s are piecewise fits in ĝ: below a split, clip(a·ln ĝ + b + c·ĝ^e, lo, hi); from
// the split on, a polynomial. The IBM fit uses the first branch only, the HERMES fit both, so
// both are presets of this one model (configs/cells/pcm_ibm.yaml, pcm_hermes.yaml).

#include <cmath>

#include "models/cells/device_effects.hpp"

namespace cimsim::models {

namespace {

constexpr double kZeroClip = 1e-7;  // ĝ floor before a logarithm

// One piecewise fit in ĝ, read from the keys <name>_low, _clip, _split, _high.
struct GFit {
  double a = 0, b = 0, c = 0, e = 0, lo = 0, hi = 0, split = 0;
  std::vector<double> high;

  double operator()(double g_hat) const {
    const double g = std::max(g_hat, kZeroClip);
    if (!high.empty() && g >= split) return polynomial(high, g);
    return std::clamp(a * std::log(g) + b + c * std::pow(g, e), lo, hi);
  }

  // The same for a whole array at once, in single precision, so that the work vectorises.
  Eigen::ArrayXXf operator()(const Eigen::ArrayXXf& g_hat) const {
    const Eigen::ArrayXXf g = g_hat.max(static_cast<float>(kZeroClip));
    const Eigen::ArrayXXf ln = g.log();
    Eigen::ArrayXXf low = (a * ln + b + c * (e * ln).exp()).max(static_cast<float>(lo)).min(static_cast<float>(hi));
    if (high.empty()) return low;
    Eigen::ArrayXXf poly = Eigen::ArrayXXf::Constant(g.rows(), g.cols(), static_cast<float>(high.back()));
    for (auto it = high.rbegin() + 1; it != high.rend(); ++it) poly = poly * g + static_cast<float>(*it);
    return (g >= static_cast<float>(split)).select(poly, low);
  }

  static void declare(config::SectionSpec& s, const std::string& name, const std::string& what,
                      std::vector<double> low, std::vector<double> clip, const std::string& source) {
    s.reals(name + "_low", std::move(low), "1",
            what + " below the split: [a, b, c, e] of a*ln(g) + b + c*g^e, g = G/g_max_us (" + source + ")");
    s.reals(name + "_clip", std::move(clip), "1", what + ": [lo, hi] bounds of the low branch (" + source + ")");
    s.real(name + "_split", 1, "1", what + ": normalised conductance from which the high polynomial applies")
        .at_least(0);
    s.reals(name + "_high", {}, "1",
            what + " from the split on: polynomial coefficients in g, constant first; empty = low branch everywhere");
  }

  static GFit from(const config::Params& p, const std::string& name) {
    GFit f;
    const auto& low = p.reals(name + "_low");
    const auto& clip = p.reals(name + "_clip");
    if (low.size() != 4) p.fail(name + "_low", "needs 4 numbers [a, b, c, e]");
    if (clip.size() != 2 || clip[0] > clip[1]) p.fail(name + "_clip", "needs 2 numbers [lo, hi] with lo <= hi");
    f.a = low[0];
    f.b = low[1];
    f.c = low[2];
    f.e = low[3];
    f.lo = clip[0];
    f.hi = clip[1];
    f.split = p.real(name + "_split");
    f.high = p.reals(name + "_high");
    return f;
  }
};

class PcmCell final : public DeviceCell {
 public:
  explicit PcmCell(const config::Params& p)
      : DeviceCell(p, ConductanceWindow::from(p), static_cast<int>(p.integer("max_bits_per_cell"))),
        prog_coeffs_(p.reals("prog_noise_us")),
        prog_scale_(p.real("prog_noise_scale") * window_.g_max_us / p.real("prog_noise_g_max_us")),
        t0_s_(p.real("drift_t0_s")),
        nu_mean_(GFit::from(p, "drift_nu_mean")),
        nu_sigma_(GFit::from(p, "drift_nu_sigma")),
        drift_scale_(p.real("drift_scale")),
        t_ref_k_(p.real("temperature_ref_k")),
        attempt_hz_(p.real("relaxation_attempt_hz")),
        q_(GFit::from(p, "read_noise_q")),
        t_read_s_(p.real("read_noise_t_read_s")),
        read_scale_(p.real("read_noise_scale")),
        draw_(noise_draw_from(p, "read_noise_draw")),
        spread_(DeviceSpread::from(p)),
        stuck_(StuckAt::from(p)) {
    if (prog_coeffs_.empty()) p.fail("prog_noise_us", "needs at least one coefficient");
  }

  ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey& key, double t_s) const override {
    const Eigen::Index rows = target_us.rows(), cols = target_us.cols();
    const rng::Stream prog = device_stream(key, rng::Purpose::Programming);
    const rng::Stream nu_draw = device_stream(key, rng::Purpose::DriftExponent);
    const Eigen::MatrixXf spread = spread_.factors(rows, cols, key);
    const double g_max = window_.g_max_us;
    const double log_decay = std::log((drift_time_s(t_s, key.temperature_k) + t0_s_) / t0_s_);

    // Row-major draws, as the per-device index r·cols + c.
    using RowMajor = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto n = static_cast<std::size_t>(rows * cols);
    const std::vector<float> z_prog = prog.normals_fast(n), z_nu = nu_draw.normals_fast(n);
    const Eigen::Map<const RowMajor> zp(z_prog.data(), rows, cols), zn(z_nu.data(), rows, cols);

    const Eigen::ArrayXXf g_t = target_us.array();
    const Eigen::ArrayXXf g_hat_t = g_t / static_cast<float>(g_max);
    Eigen::ArrayXXf sigma = Eigen::ArrayXXf::Constant(rows, cols, static_cast<float>(prog_coeffs_.back()));
    for (auto it = prog_coeffs_.rbegin() + 1; it != prog_coeffs_.rend(); ++it) sigma = sigma * g_hat_t + static_cast<float>(*it);
    sigma = sigma.max(0.0f) * static_cast<float>(prog_scale_);
    const Eigen::ArrayXXf g_prog = (g_t + sigma * zp).max(0.0f) * spread.array();
    const Eigen::ArrayXXf nu = (nu_mean_(g_hat_t) + nu_sigma_(g_hat_t) * zn).abs() * static_cast<float>(drift_scale_);
    ArrayDevices out;
    out.g_us = (g_prog * (nu * static_cast<float>(-log_decay)).exp()).matrix();
    Eigen::MatrixXf g_hat_prog = (g_prog / static_cast<float>(g_max)).matrix();
    const auto stuck = stuck_.apply(out.g_us, key, static_cast<float>(window_.g_min_us), static_cast<float>(g_max));
    if (stuck.size() > 0) g_hat_prog = stuck.select(out.g_us / static_cast<float>(g_max), g_hat_prog);

    const double accumulated = accumulated_noise_factor(t_s, t_read_s_) * read_scale_;
    if (accumulated > 0) {
      const Eigen::MatrixXf sigma =
          (out.g_us.array().abs() * q_(g_hat_prog.array()) * static_cast<float>(accumulated)).matrix();
      apply_time_noise(out, sigma, draw_, key);
    }
    return out;
  }

 private:
  std::vector<double> prog_coeffs_;
  double prog_scale_, t0_s_;
  GFit nu_mean_, nu_sigma_;
  double drift_scale_, t_ref_k_, attempt_hz_;

  // The time at the fit's temperature that reaches the relaxation `t_s` at `t_k` reaches.
  double drift_time_s(double t_s, double t_k) const {
    if (t_k == t_ref_k_ || t_s <= 0) return t_s;
    return std::exp(t_k / t_ref_k_ * std::log(attempt_hz_ * t_s)) / attempt_hz_;
  }
  GFit q_;
  double t_read_s_, read_scale_;
  NoiseDraw draw_;
  DeviceSpread spread_;
  StuckAt stuck_;
};

config::SectionSpec spec() {
  const std::string ibm = "IBM fit, Nandakumar et al. ICECS 2019";
  config::SectionSpec s("pcm", "");
  declare_conductance_window(s, 0.0, 25.0, ibm);
  s.reals("prog_noise_us", {0.26348, 1.9650, -1.1731}, "uS",
          "Programming-error std-dev: polynomial in G_target/g_max_us, constant first (" + ibm + ")");
  s.real("prog_noise_g_max_us", 25.0, "uS",
         "g_max the prog_noise_us coefficients were fitted at; sigma scales by g_max_us / this (" + ibm + ")")
      .above(0);
  s.real("prog_noise_scale", 1.0, "1", "Multiplies the programming error (1 = the fit)").at_least(0);
  s.real("drift_t0_s", 20.0, "s", "Drift reference time t0: G = G_prog*((t + t0)/t0)^(-nu) (" + ibm + ")").above(0);
  GFit::declare(s, "drift_nu_mean", "Mean drift exponent", {-0.0155, 0.0244, 0, 0}, {0.049, 0.1}, ibm);
  GFit::declare(s, "drift_nu_sigma", "Std-dev of the drift exponent", {-0.0125, -0.0059, 0, 0}, {0.008, 0.045}, ibm);
  s.real("drift_scale", 1.0, "1", "Multiplies every drift exponent (1 = the fit, 0 = no drift)").at_least(0);
  declare_reference_temperature(s, "drift exponents");
  s.real("relaxation_attempt_hz", 1e13, "Hz",
         "Attempt frequency f0 of the structural relaxation behind drift, a phonon frequency (Ielmini et al., Appl. "
         "Phys. Lett. 2008): time t at T drifts as (f0 t)^(T/T_ref)/f0 at the fit's temperature")
      .above(0);
  GFit::declare(s, "read_noise_q", "1/f noise coefficient Q_s", {0, 0, 0.0088, -0.65}, {0, 0.2}, ibm);
  s.real("read_noise_t_read_s", 250e-9, "s", "t_read of the accumulated 1/f noise (" + ibm + ")").above(0);
  s.real("read_noise_scale", 1.0, "1", "Multiplies the 1/f noise (1 = the fit, 0 = none)").at_least(0);
  declare_noise_draw(s, "read_noise_draw", "Accumulated 1/f noise");
  DeviceSpread::declare(s, 0.0, "0: the fitted programming error already spans the measured devices");
  StuckAt::declare(s, 0.0, 0.0, "0: not part of the fit");
  DeviceFacts f;
  f.area_f2 = 25;
  f.area_source = "typical 1T1R PCM cells take 25-50 F^2";
  f.max_bits = 8;
  f.bits_source = "the fit is continuous in G, so no level count limits it";
  f.latency_source = "not given by the PCM fits";
  f.write_source = "not given by these fits";
  f.endurance_writes = 1e6;
  f.endurance_source = "lower end of a typical 1e6-1e9 writes";
  declare_device_facts(s, f);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"pcm", "Phase-change memory: programming error, conductance-dependent drift, accumulated 1/f noise (IBM and "
            "HERMES fits)",
     spec(), [](const config::Params& p) { return std::make_unique<PcmCell>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
