#include "sim/functional/current_clip.hpp"

namespace cimsim::functional {

void clip_column_currents(Eigen::Ref<Eigen::MatrixXf> current, const Eigen::Ref<const Eigen::MatrixXf>& u,
                          const ProgrammedRowBlock& rb, Eigen::Index row0, Eigen::Index rows, double g_min_norm) {
  // Above-G_min currents of each readout's own column and of its subtracted column.
  const Eigen::MatrixXf plus = u.transpose() * rb.plus.middleRows(row0, rows);
  const Eigen::MatrixXf minus = u.transpose() * rb.minus.middleRows(row0, rows);
  // Every physical column carries G_min·Σu besides.
  const Eigen::ArrayXf offset = (static_cast<float>(g_min_norm) * u.colwise().sum()).transpose().array();
  const float limit = rb.clip_limit;
  for (Eigen::Index c = 0; c < current.cols(); ++c) {
    const Eigen::ArrayXf own = (plus.col(c).array() + offset).min(limit);
    // A readout without a subtracted column has its G_min part added back (and removed
    // digitally) by the engine.
    const Eigen::ArrayXf other = rb.has_minus(c) ? (minus.col(c).array() + offset).min(limit).eval() : offset;
    current.col(c).array() += own - other - (plus.col(c) - minus.col(c)).array();
  }
}

}  // namespace cimsim::functional
