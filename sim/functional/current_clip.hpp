#pragma once
// Column current limits as an effect: where the cell model says its sense circuit clips, each
// physical column's current saturates at the limit before a readout subtracts its partner (or the
// reference column). A read then costs two more matrix products (the columns of each readout
// apart); non-linear I–V terms stay outside the clip.

#include <Eigen/Dense>

#include "sim/functional/programmed_chip.hpp"

namespace cimsim::functional {

// `current` (vectors × readouts) holds the read of rows [row0, row0 + rows) of `rb` with slices `u`
// (rows × vectors) above the G_min current (the engine adds G_min·Σu back where no column is
// subtracted), non-linear terms included; replaces its linear part by what the clipped physical
// columns give. `g_min_norm` is G_min / ΔG.
void clip_column_currents(Eigen::Ref<Eigen::MatrixXf> current, const Eigen::Ref<const Eigen::MatrixXf>& u,
                          const ProgrammedRowBlock& rb, Eigen::Index row0, Eigen::Index rows, double g_min_norm);

}  // namespace cimsim::functional
