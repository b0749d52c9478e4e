#include "models/cells/cell_model.hpp"

#include <cmath>

#include "sim/config/schema.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::models {

bool DrawOverride::applies(rng::Purpose p) const {
  for (rng::Purpose q : purposes)
    if (q == p) return true;
  return false;
}

namespace {

config::SectionSpec cell_section() {
  config::SectionSpec s("cell", "The memory device in every array: its conductances, non-idealities and cost");
  s.order(60).presets("cells").models(&CellRegistry::instance(), "ideal");
  return s;
}
const config::SectionRegistrar registered(cell_section);

}  // namespace

void declare_conductance_window(config::SectionSpec& spec, double g_min_us, double g_max_us,
                                const std::string& source) {
  spec.real("g_min_us", g_min_us, "uS", "Conductance of digit 0 (" + source + ")").at_least(0);
  spec.real("g_max_us", g_max_us, "uS", "Conductance of the top digit (" + source + ")").above(0);
}

ConductanceWindow ConductanceWindow::from(const config::Params& p) {
  ConductanceWindow w{p.real("g_min_us"), p.real("g_max_us")};
  if (w.g_max_us <= w.g_min_us)
    p.fail("g_max_us", "must exceed g_min_us (" + config::format_value(w.g_min_us) + " uS)");
  return w;
}

std::vector<DisturbEvent> read_disturb_events(const ArrayDevices& d, const ArrayKey& key, std::uint64_t reads) {
  std::vector<DisturbEvent> events;
  if (d.disturb_probability.size() == 0 || reads == 0) return events;
  const rng::Stream stream(key.seed, rng::Purpose::ReadDisturb, {key.instance, key.layer, key.array});
  const Eigen::Index cols = d.disturb_probability.cols();
  for (Eigen::Index r = 0; r < d.disturb_probability.rows(); ++r) {
    for (Eigen::Index c = 0; c < cols; ++c) {
      const double p = d.disturb_probability(r, c);
      if (p <= 0) continue;
      // P(flip during read k) = (1 − p)^k · p: k = ⌊ln U / ln(1 − p)⌋ for U uniform in (0, 1).
      const double u = stream.uniform(static_cast<std::uint64_t>(r * cols + c));
      const double k = p >= 1 ? 0.0 : std::floor(std::log(u) / std::log1p(-p));
      if (k + 1 >= static_cast<double>(reads)) continue;
      events.push_back({r, c, static_cast<std::uint64_t>(k) + 1, d.disturbed_g_us(r, c)});
    }
  }
  return events;
}

int columns_over_current_limit(const ArrayDevices& d, double v, int rows_per_read, double limit_ua) {
  if (limit_ua <= 0) return 0;
  Eigen::MatrixXd per_device = d.g_us.cast<double>() * v;
  if (d.iv_nl2_ua_per_v2.size() > 0) per_device += d.iv_nl2_ua_per_v2.cast<double>() * (v * v);
  if (d.iv_nl3_ua_per_v3.size() > 0) per_device += d.iv_nl3_ua_per_v3.cast<double>() * (v * v * v);
  const Eigen::Index rows = per_device.rows();
  const Eigen::Index group = rows_per_read > 0 ? std::min<Eigen::Index>(rows_per_read, rows) : rows;
  int over = 0;
  for (Eigen::Index c = 0; c < per_device.cols(); ++c) {
    double worst = 0;
    for (Eigen::Index r0 = 0; r0 < rows; r0 += group)
      worst = std::max(worst, per_device.col(c).segment(r0, std::min(group, rows - r0)).sum());
    if (worst > limit_ua) ++over;
  }
  return over;
}

}  // namespace cimsim::models
