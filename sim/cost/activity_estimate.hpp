#pragma once
// Read energy without data, for shape-only maps (benchmarks, validation): every weight digit and
// every input slice digit uniformly distributed over its range. A w-bit input slice then drives
// each row at a level u uniform over 0 … 2^w − 1, so a row of an array costs the mean over those
// levels of the per-level driver energy and cell weight V(u)²·t(u) the functional engine uses
// (functional::DriveLevels); the cells of a row sum to c · Ḡ with Ḡ = G_min + ΔG·(2^cb − 1)/2
// (differential pairs: G_min + ΔG·(2^cb − 1)/4, one cell of a pair holding digit 0).
// A stated assumption, not a measurement: real weights cluster near zero and real activations are
// sparse, so this tends to overstate the cell energy of a trained network.

#include "sim/functional/activity.hpp"
#include "sim/functional/drive_levels.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::models {
class CellModel;
}

namespace cimsim::cost {

// Per inference, per layer (ChipMap::layers order); the cell and driver energies are filled.
functional::Activity uniform_activity(const mapping::ChipMap& chip, const models::CellModel& cell,
                                      const functional::DriveLevels& drive);

}  // namespace cimsim::cost
