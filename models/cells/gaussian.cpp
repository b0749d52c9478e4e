// A generic non-ideal cell: Gaussian programming error drawn once per chip instance, optional
// Gaussian read noise on every read. σ_prog = sigma_us + sigma_relative·G_target; the programmed
// conductance is clipped at zero.

#include "models/cells/device_effects.hpp"

namespace cimsim::models {

namespace {

class GaussianCell final : public DeviceCell {
 public:
  explicit GaussianCell(const config::Params& p)
      : DeviceCell(p, ConductanceWindow::from(p), static_cast<int>(p.integer("max_bits_per_cell"))),
        sigma_us_(p.real("sigma_us")),
        sigma_relative_(p.real("sigma_relative")),
        read_relative_(p.real("read_noise_relative")) {}

  ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey& key, double) const override {
    const rng::Stream stream = device_stream(key, rng::Purpose::Programming);
    ArrayDevices out;
    // One draw per device, row-major as in every model: device (r, c) takes draw r·cols + c.
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> z(target_us.rows(), target_us.cols());
    stream.normals_fast(0, static_cast<std::size_t>(z.size()), z.data());
    const Eigen::ArrayXXf sigma = sigma_us_ + sigma_relative_ * target_us.array();
    out.g_us = (target_us.array() + sigma * z.array()).max(0.0f).matrix();
    if (read_relative_ > 0) out.read_sigma_us = out.g_us * static_cast<float>(read_relative_);
    return out;
  }

 private:
  double sigma_us_, sigma_relative_, read_relative_;
};

config::SectionSpec spec() {
  config::SectionSpec s("gaussian", "");
  declare_conductance_window(s, 0.0, 25.0, "PCM range of Joshi et al., Nat. Commun. 2020");
  s.real("sigma_us", 0.5, "uS", "Additive programming error std-dev, drawn once per chip instance").at_least(0);
  s.real("sigma_relative", 0.0, "1", "Programming error std-dev as a fraction of the target conductance")
      .at_least(0);
  s.real("read_noise_relative", 0.0, "1", "Per-read noise std-dev as a fraction of the conductance").at_least(0);
  DeviceFacts f;
  f.area_f2 = 25;
  f.area_source = "typical 1T1R cells take 25-50 F^2";
  f.max_bits = 8;
  f.bits_source = "a generic analog device: the error model, not a level count, limits it";
  f.latency_source = "a generic device";
  f.write_source = "a generic device";
  f.endurance_source = "a generic device";
  declare_device_facts(s, f);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"gaussian", "Gaussian programming error (per chip instance) and optional read noise", spec(),
     [](const config::Params& p) { return std::make_unique<GaussianCell>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
