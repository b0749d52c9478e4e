#include "sim/functional/drift_compensation.hpp"

#include "sim/config/schema.hpp"

namespace cimsim::functional {

namespace {

config::SectionSpec section() {
  config::SectionSpec s("drift_compensation",
                        "Digital drift compensation: outputs rescaled by a reference read taken right after "
                        "programming (Joshi et al., Nat. Commun. 2020)");
  s.order(65);
  s.choice("mode", "none", {"none", "global", "per_column"},
           "none; global: one factor per layer; per_column: one factor per output column");
  s.real("reference_time_s", 1.0, "s", "Time after programming at which the reference pattern is read").above(0);
  s.integer("samples", 64, "samples", "Calibration inputs read as the reference pattern").range(1, 1 << 20);
  return s;
}
const config::SectionRegistrar registered(section);

}  // namespace

DriftCompensation DriftCompensation::from(const config::Params& p) {
  DriftCompensation d;
  const std::string& m = p.text("mode");
  d.mode = m == "global" ? Mode::Global : m == "per_column" ? Mode::PerColumn : Mode::None;
  d.reference_time_s = p.real("reference_time_s");
  d.samples = static_cast<int>(p.integer("samples"));
  return d;
}

CompensationBackend::CompensationBackend(const mapping::ChipMap& chip, CrossbarBackend& reference,
                                         CrossbarBackend& now, DriftCompensation::Mode mode)
    : chip_(chip), reference_(reference), now_(now), mode_(mode), scales_(chip.layers.size()) {}

Eigen::MatrixXd CompensationBackend::multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                              std::int64_t first_vector) {
  const Eigen::MatrixXd ref = reference_.multiply(q, codes, first_vector);
  Eigen::MatrixXd y = now_.multiply(q, codes, first_vector);
  const Eigen::VectorXd ref_abs = ref.cwiseAbs().rowwise().sum();
  const Eigen::VectorXd now_abs = y.cwiseAbs().rowwise().sum();
  Eigen::VectorXd scale(y.rows());
  if (mode_ == DriftCompensation::Mode::Global) {
    const double n = now_abs.sum();
    scale.setConstant(n > 0 ? ref_abs.sum() / n : 1.0);
  } else {
    // A column that reads nothing in either state keeps its scale.
    for (Eigen::Index o = 0; o < y.rows(); ++o) scale(o) = now_abs(o) > 0 ? ref_abs(o) / now_abs(o) : 1.0;
  }
  const mapping::LayerMap* lm = chip_.find_layer(q.layer);
  scales_[static_cast<std::size_t>(lm - chip_.layers.data())] = scale;
  return scale.asDiagonal() * y;
}

}  // namespace cimsim::functional
