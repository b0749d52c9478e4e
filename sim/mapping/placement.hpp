#pragma once
// Which tile and slot each array occupies, which programming round each layer belongs to, and
// where digital layers run.

#include <vector>

#include "sim/mapping/mapping.hpp"

namespace cimsim::mapping {

// Layers grouped into programming rounds: the arrays of every layer of a round hold their weights
// at the same time. One round unless the network needs more arrays than the chip has and
// chip.reprogram allows running it in rounds (layer_serial only).
struct ProgrammingRounds {
  std::vector<int> of_layer;  // ChipMap::layers order
  int count = 1;
};
ProgrammingRounds programming_rounds(const ChipMap& chip);

// Places every array of `chip` (filled by the mapper) on tiles.
//   layer_serial: arrays fill tiles in layer order (a layer may share its first tile with the
//   previous one); with several programming rounds each round fills the chip from tile 0.
//   pipelined: every matrix layer starts on a tile of its own, so that layers run side by side.
// Digital layers run on the tile of their first producer that has arrays. Fails at chip.tiles,
// saying by how much, when the arrays do not fit.
void place_on_tiles(ChipMap& chip);

}  // namespace cimsim::mapping
