#include "sim/mapping/placement.hpp"

#include <string>

namespace cimsim::mapping {

void place_on_tiles(ChipMap& chip) {
  const Architecture& arch = chip.arch;
  // layer_serial keeps every layer's weights in place and runs one layer at a time, so arrays
  // simply fill tiles in order; a layer may share its first tile with the previous one.
  for (std::size_t i = 0; i < chip.arrays.size(); ++i) {
    chip.arrays[i].tile = static_cast<int>(i) / arch.arrays_per_tile;
    chip.arrays[i].slot = static_cast<int>(i) % arch.arrays_per_tile;
  }
  const int needed = static_cast<int>(chip.arrays.size());
  chip.tiles_used = (needed + arch.arrays_per_tile - 1) / arch.arrays_per_tile;
  // A digital layer runs on the tile of its first producer that has arrays (tile 0 otherwise).
  for (auto& lm : chip.layers) {
    if (lm.kind != LayerMap::Kind::Digital) continue;
    lm.tile = 0;
    for (int p : lm.producers) {
      if (p < 0) continue;
      const LayerMap& src = chip.layers[static_cast<std::size_t>(p)];
      if (!src.arrays.empty()) {
        lm.tile = chip.arrays[static_cast<std::size_t>(src.arrays.front())].tile;
        break;
      }
      lm.tile = src.tile;
    }
  }
  if (chip.tiles_used > arch.tiles)
    arch.chip_params.fail("tiles", "the network needs " + std::to_string(needed) + " arrays in " +
                                       std::to_string(chip.tiles_used) + " tiles of " +
                                       std::to_string(arch.arrays_per_tile) + "; the chip has " +
                                       std::to_string(arch.tiles) + " tiles (short by " +
                                       std::to_string(chip.tiles_used - arch.tiles) + ")");
}

}  // namespace cimsim::mapping
