#pragma once
// Weight duplication: a matrix layer's weights held by several copies of its arrays, each copy
// computing every copies-th output unit, so that the copies work side by side (ISAAC's
// replication of the early layers of a pipeline; Shafiee et al., ISCA 2016, §5).

#include "sim/mapping/mapping.hpp"

namespace cimsim::mapping {

// Sets LayerMap::copies from mapping.copies and mapping.layers.<name>.copies and appends the
// copies' arrays (copy k ≥ 1 of array a: the same rows, columns and digits, ArrayMap::copy = k).
// `auto` starts every layer at one copy (or its own count) and then, while the network fits
// chip.tiles, gives one more copy to the layer with the most reads per sample per copy; it stops
// when that layer cannot take another (it would not fit, or it has as many copies as units per
// sample, or its count is fixed). Fails at the key when a named layer is not a matrix layer, is
// rewritten per input or reads another step's arrays, or when `auto` has no tile budget.
void duplicate_layers(ChipMap& chip);

// Tiles the placement uses with these copies per layer (ChipMap::layers order): pipelined, every
// layer from a fresh tile; layer_serial, arrays packed in layer order.
int tiles_needed(const ChipMap& chip, const std::vector<int>& copies);

}  // namespace cimsim::mapping
