#pragma once
// The data-dependent energy of array reads, priced from how often each row was driven at each DAC
// level (Activity::row_levels): cells Σ V(u)²·t(u)·G over every device of the row, drivers E(u) per
// array the row block spans.

#include "sim/functional/activity.hpp"
#include "sim/functional/drive_levels.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

// Adds to `pj` the cell read energy of one row block's reads, from the rows' drive counts
// (`counts`: the layer's rows × levels, those of the block's copy of the weights from `first_row`)
// and the block's row conductances.
void add_block_cell_read_pj(const RowLevels& counts, const ProgrammedRowBlock& rb, const DriveLevels& drive, double& pj,
                            Eigen::Index first_row = 0);

// Sets every matrix layer's cell_energy_pj and dac_energy_pj from its row_levels.
void price_read_energy(Activity& activity, const ProgrammedChip& programmed, const DriveLevels& drive);

}  // namespace cimsim::functional
