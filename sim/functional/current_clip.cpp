#include "sim/functional/current_clip.hpp"

namespace cimsim::functional {

void clip_column_currents(Eigen::Ref<Eigen::MatrixXf> current, const Eigen::Ref<const Eigen::MatrixXf>& u,
                          const ProgrammedRowBlock& rb, Eigen::Index row0, Eigen::Index rows) {
  const Eigen::MatrixXf plus = u * rb.plus.middleRows(row0, rows);
  const Eigen::MatrixXf minus = u * rb.minus.middleRows(row0, rows);
  current += (plus.cwiseMin(rb.clip_limit) - minus.cwiseMin(rb.clip_limit)) - (plus - minus);
}

}  // namespace cimsim::functional
