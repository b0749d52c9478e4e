#pragma once
// Which tile and slot each array occupies, and where digital layers run.

#include "sim/mapping/mapping.hpp"

namespace cimsim::mapping {

// Places every array of `chip` (filled by the mapper) on tiles, in layer order. Fails at
// chip.tiles, saying by how much, when the arrays do not fit.
void place_on_tiles(ChipMap& chip);

}  // namespace cimsim::mapping
