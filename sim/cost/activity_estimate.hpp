#pragma once
// Cell read energy without data, for shape-only maps (benchmarks, validation): every weight digit
// and every input slice digit uniformly distributed over its range. Then a read of an array with r
// rows and c columns in use draws E = r · c · E[V²] · Ḡ · t_read, with Ḡ = G_min + ΔG·(2^cb − 1)/2
// (differential pairs: G_min + ΔG·(2^cb − 1)/4, one cell of a pair holding digit 0) and
// E[V²] = V_read² · E[u²] / (2^db − 1)², E[u²] = (2^w − 1)(2^(w+1) − 1) / 6 for a w-bit slice.
// A stated assumption, not a measurement: real weights cluster near zero and real activations are
// sparse, so this tends to overstate the cell energy of a trained network.

#include "sim/functional/activity.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::models {
class CellModel;
}

namespace cimsim::cost {

// Per inference, per layer (ChipMap::layers order); only cell_energy_pj is filled.
functional::Activity uniform_activity(const mapping::ChipMap& chip, const models::CellModel& cell);

}  // namespace cimsim::cost
