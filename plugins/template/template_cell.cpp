// A template cell model in a plug-in. It is a small but complete device: a relative programming
// error drawn once per chip instance, a power-law drift with one exponent for every device, and
// relative read noise. Replace the physics with your device's; keep the shape:
//   - declare every parameter once, with unit, default, range and help (cimsim describe shows it);
//   - draw from counter-based streams keyed by the ArrayKey and indexed by the device position, so
//     results do not depend on threads or evaluation order; once-per-chip variations through
//     models::device_stream() with their purpose, so that corners and the worst-case search can
//     fix them (docs/devices.md, "Variations an analysis can fix");
//   - register through CIMSIM_PLUGIN under a name no other model uses.

#include <algorithm>
#include <cmath>

#include "sim/plugins/plugin_api.hpp"
#include "sim/util/rng.hpp"

namespace {

using namespace cimsim;

class TemplateCell final : public models::CellModel {
 public:
  explicit TemplateCell(const config::Params& p)
      : window_(models::ConductanceWindow::from(p)),
        sigma_relative_(p.real("sigma_relative")),
        nu_(p.real("drift_nu")),
        t0_s_(p.real("drift_t0_s")),
        read_relative_(p.real("read_noise_relative")),
        area_f2_(p.real("area_f2")) {}

  double g_min_us() const override { return window_.g_min_us; }
  double g_max_us() const override { return window_.g_max_us; }
  int max_bits_per_cell() const override { return 4; }
  double area_f2() const override { return area_f2_; }

  models::ArrayDevices program(const Eigen::MatrixXf& target_us, const models::ArrayKey& key,
                               double t_s) const override {
    // The programming error is a once-per-chip variation: drawn through device_stream so that
    // analyses can fix it. Effects of your own draw from rng::Purpose::Custom and above.
    const rng::Stream stream = models::device_stream(key, rng::Purpose::Programming);
    const double decay = std::pow((t_s + t0_s_) / t0_s_, -nu_);
    models::ArrayDevices out;
    out.g_us.resize(target_us.rows(), target_us.cols());
    for (Eigen::Index r = 0; r < target_us.rows(); ++r)
      for (Eigen::Index c = 0; c < target_us.cols(); ++c) {
        const double z = stream.normal(static_cast<std::uint64_t>(r * target_us.cols() + c));
        const double g_prog = std::max(0.0, target_us(r, c) * (1 + sigma_relative_ * z));
        out.g_us(r, c) = static_cast<float>(g_prog * decay);
      }
    if (read_relative_ > 0) out.read_sigma_us = out.g_us * static_cast<float>(read_relative_);
    return out;
  }

 private:
  models::ConductanceWindow window_;
  double sigma_relative_, nu_, t0_s_, read_relative_, area_f2_;
};

config::SectionSpec spec() {
  config::SectionSpec s("template_cell", "");
  models::declare_conductance_window(s, 0.0, 20.0, "template values");
  s.real("sigma_relative", 0.02, "1", "Programming error std-dev as a fraction of the target").at_least(0);
  s.real("drift_nu", 0.05, "1", "Drift exponent: G = G_prog*((t + t0)/t0)^(-nu)").at_least(0);
  s.real("drift_t0_s", 20.0, "s", "Drift reference time t0").above(0);
  s.real("read_noise_relative", 0.0, "1", "Per-read noise std-dev as a fraction of G").at_least(0);
  s.real("area_f2", 25, "F^2", "Cell footprint").above(0);
  return s;
}

}  // namespace

CIMSIM_PLUGIN(registrar) {
  registrar->add_cell({"template_cell", "Template plug-in: relative programming error, power-law drift, read noise",
                       spec(), [](const config::Params& p) { return std::make_unique<TemplateCell>(p); }, ""});
}
