// A measured device given as data, no C++: per programmed level its mean conductance, its
// programming spread and its drift exponent (mean and spread), from a CSV or YAML file
// (models/cells/level_table.hpp, docs/devices.md). Digit d of a cell with b bits is programmed to
// the level at the same fraction of the table, index round(d/(2^b − 1)·(L − 1)) of L levels, so
// the window is the first and last level and a table of 2^b levels uses every one of them:
//   G_prog  = max(0, G_level + σ_level·ξ)·exp(d2d_sigma·ξ')
//   G(t)    = G_prog·((t + t0)/t0)^(−ν),  ν = |ν_mean + ν_sigma·ξ''|
// plus per-read noise relative to G and stuck-at faults.

#include <cmath>

#include "models/cells/device_effects.hpp"
#include "models/cells/level_table.hpp"

namespace cimsim::models {

namespace {

class TableCell final : public DeviceCell {
 public:
  TableCell(const config::Params& p, std::vector<Level> levels)
      : DeviceCell(p, {levels.front().g_us, levels.back().g_us}, bits_of(levels.size())),
        levels_(std::move(levels)),
        t0_s_(p.real("drift_t0_s")),
        read_relative_(p.real("read_noise_relative")),
        spread_(DeviceSpread::from(p)),
        stuck_(StuckAt::from(p)) {}

  static int bits_of(std::size_t levels) { return static_cast<int>(std::floor(std::log2(static_cast<double>(levels)))); }

  ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey& key, double t_s) const override {
    const Eigen::Index rows = target_us.rows(), cols = target_us.cols();
    const rng::Stream prog = device_stream(key, rng::Purpose::Programming);
    const rng::Stream nu_draw = device_stream(key, rng::Purpose::DriftExponent);
    const Eigen::MatrixXf spread = spread_.factors(rows, cols, key);
    const double span = window_.g_max_us - window_.g_min_us;
    const double last = static_cast<double>(levels_.size() - 1);
    const double log_decay = std::log((t_s + t0_s_) / t0_s_);

    ArrayDevices out;
    out.g_us.resize(rows, cols);
    const auto n = static_cast<std::size_t>(rows * cols);
    const std::vector<float> z_prog = prog.normals_fast(n), z_nu = nu_draw.normals_fast(n);
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index c = 0; c < cols; ++c) {
        const auto i = static_cast<std::uint64_t>(r * cols + c);
        const double fraction = (target_us(r, c) - window_.g_min_us) / span;
        const Level& l = levels_[static_cast<std::size_t>(std::clamp(std::round(fraction * last), 0.0, last))];
        const double g_prog = std::max(0.0, l.g_us + l.sigma_us * z_prog[i]) * spread(r, c);
        const double nu = std::fabs(l.nu_mean + l.nu_sigma * z_nu[i]);
        out.g_us(r, c) = static_cast<float>(g_prog * std::exp(-nu * log_decay));
      }
    }
    stuck_.apply(out.g_us, key, static_cast<float>(window_.g_min_us), static_cast<float>(window_.g_max_us));
    if (read_relative_ > 0) add_read_sigma(out, out.g_us * static_cast<float>(read_relative_));
    return out;
  }

 private:
  std::vector<Level> levels_;
  double t0_s_, read_relative_;
  DeviceSpread spread_;
  StuckAt stuck_;
};

config::SectionSpec spec() {
  config::SectionSpec s("table", "");
  s.path("file", "", "Level table, .csv or .yaml: g_us, sigma_us, nu_mean, nu_sigma per level (docs/devices.md)")
      .needed()
      .existing();
  s.real("drift_t0_s", 20.0, "s",
         "Reference time t0 of the table's drift exponents: G = G_prog*((t + t0)/t0)^(-nu) (IBM PCM fit: 20 s, "
         "Nandakumar et al. ICECS 2019)")
      .above(0);
  s.real("read_noise_relative", 0.0, "1", "Per-read noise std-dev as a fraction of the conductance").at_least(0);
  DeviceSpread::declare(s, 0.0, "0: the table's sigma_us is taken to span the measured devices");
  StuckAt::declare(s, 0.0, 0.0, "0: none unless measured");
  DeviceFacts f;
  f.area_f2 = 25;
  f.area_source = "the ideal cell's 25 F^2; set it for the measured device";
  f.latency_source = "set it for the measured device";
  f.write_source = "set it for the measured device";
  f.endurance_source = "set it for the measured device";
  declare_device_facts(s, f);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"table", "Measured device data per level (mean G, sigma, drift) from a CSV or YAML file", spec(),
     [](const config::Params& p) { return std::make_unique<TableCell>(p, read_level_table(p.text("file"))); },
     ""});

}  // namespace
}  // namespace cimsim::models
