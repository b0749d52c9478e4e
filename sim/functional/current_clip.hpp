#pragma once
// Column current limits as an effect: where the cell model says its sense circuit clips, each
// physical column's current saturates at the limit before a readout subtracts its partner (or the
// reference column). A read then costs two more matrix products (the columns of each readout
// apart); non-linear I–V terms stay outside the clip.

#include <Eigen/Dense>

#include "sim/functional/programmed_chip.hpp"

namespace cimsim::functional {

// `current` holds u·diff (plus any non-linear terms) for the read of rows [row0, row0 + rows) of
// `rb` with slices `u`; replaces its linear part by the clipped columns' difference.
void clip_column_currents(Eigen::Ref<Eigen::MatrixXf> current, const Eigen::Ref<const Eigen::MatrixXf>& u,
                          const ProgrammedRowBlock& rb, Eigen::Index row0, Eigen::Index rows);

}  // namespace cimsim::functional
