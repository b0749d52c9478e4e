#include "sim/mapping/placement.hpp"

#include <algorithm>
#include <string>

#include "sim/mapping/duplication.hpp"

namespace cimsim::mapping {

namespace {

// Every array of a layer, copy after copy (LayerMap::copies).
std::vector<int> placed(const LayerMap& lm) {
  std::vector<int> all = lm.arrays;
  all.insert(all.end(), lm.copy_arrays.begin(), lm.copy_arrays.end());
  return all;
}

// Where copies made the network larger, the refusal says how much of it they are.
std::string copies_note(const ChipMap& chip) {
  const std::int64_t copies = chip.copy_array_count();
  return copies == 0 ? "" : "; " + std::to_string(copies) + " of these arrays are copies (mapping.copies)";
}

[[noreturn]] void refuse(const Architecture& arch, int arrays, int tiles, const std::string& what,
                         const std::string& advice) {
  arch.chip_params.fail("tiles", what + " needs " + std::to_string(arrays) + " arrays in " + std::to_string(tiles) +
                                     " tiles of " + std::to_string(arch.arrays_per_tile) + "; the chip has " +
                                     std::to_string(arch.tiles) + " tiles (short by " +
                                     std::to_string(tiles - arch.tiles) + ")" + advice);
}

void place_digital_layers(ChipMap& chip) {
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
}

}  // namespace

ProgrammingRounds programming_rounds(const ChipMap& chip) {
  const Architecture& arch = chip.arch;
  ProgrammingRounds r;
  r.of_layer.assign(chip.layers.size(), 0);
  const std::int64_t capacity = arch.arrays_total();
  if (!arch.reprogram || static_cast<std::int64_t>(chip.arrays.size()) <= capacity) return r;
  int round = 0, used = 0;
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    // A recurrent step runs on its step 0's arrays, in that layer's round.
    if (chip.layers[l].array_source >= 0) {
      r.of_layer[l] = r.of_layer[static_cast<std::size_t>(chip.layers[l].array_source)];
      continue;
    }
    const int n = static_cast<int>(chip.layers[l].placed_arrays());
    if (n > capacity)
      refuse(arch, n, arch.tiles_for(n), "layer '" + chip.layers[l].name + "' alone",
             "; reprogramming runs whole layers, so each layer must fit the chip");
    if (used + n > capacity) {
      ++round;
      used = 0;
    }
    used += n;
    r.of_layer[l] = round;
  }
  r.count = round + 1;
  return r;
}

void place_on_tiles(ChipMap& chip) {
  duplicate_layers(chip);
  const Architecture& arch = chip.arch;
  const int per_tile = arch.arrays_per_tile;
  const int needed = static_cast<int>(chip.arrays.size());
  // tiles: auto is whatever the placement below uses; layer_serial then needs no reprogramming.
  if (arch.tiles_auto) chip.arch.tiles = std::max(1, arch.tiles_for(needed));

  if (arch.schedule == Schedule::Pipelined) {
    // Each matrix layer starts on a fresh tile: layers run at once and must not share tiles.
    int next_tile = 0;
    for (const auto& lm : chip.layers) {
      if (lm.arrays.empty() || lm.array_source >= 0) continue;
      const std::vector<int> all = placed(lm);
      for (std::size_t k = 0; k < all.size(); ++k) {
        ArrayMap& a = chip.arrays[static_cast<std::size_t>(all[k])];
        a.tile = next_tile + static_cast<int>(k) / per_tile;
        a.slot = static_cast<int>(k) % per_tile;
      }
      next_tile += arch.tiles_for(static_cast<std::int64_t>(all.size()));
    }
    chip.tiles_used = next_tile;
    if (arch.tiles_auto) chip.arch.tiles = std::max(1, chip.tiles_used);
    place_digital_layers(chip);
    if (chip.tiles_used > arch.tiles)
      refuse(arch, needed, chip.tiles_used, "the network, with every layer on tiles of its own,",
             " (pipelined gives each layer its own tiles; layer_serial packs them)" + copies_note(chip));
    return;
  }

  const ProgrammingRounds rounds = programming_rounds(chip);
  // Arrays fill tiles in layer order; each programming round starts again at tile 0.
  std::vector<int> filled(static_cast<std::size_t>(rounds.count), 0);
  chip.tiles_used = 0;
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    int& cursor = filled[static_cast<std::size_t>(rounds.of_layer[l])];
    if (chip.layers[l].array_source >= 0) continue;
    for (int ai : placed(chip.layers[l])) {
      ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
      a.tile = cursor / per_tile;
      a.slot = cursor % per_tile;
      ++cursor;
    }
    chip.tiles_used = std::max(chip.tiles_used, arch.tiles_for(cursor));
  }
  place_digital_layers(chip);
  if (chip.tiles_used > arch.tiles)
    refuse(arch, needed, chip.tiles_used, "the network",
           "; set chip.reprogram: true to run it in rounds of layers" + copies_note(chip));
}

}  // namespace cimsim::mapping
