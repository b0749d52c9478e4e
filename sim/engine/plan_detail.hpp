#pragma once
// Parts of make_plan (plan.cpp) that live in their own files: what a producer's unit looks like to
// a consumer, and the sizing of the tile and global buffers once the stations are known.

#include <cstdint>
#include <vector>

#include "sim/engine/plan.hpp"

namespace cimsim::engine::detail {

// What one unit of a producer looks like to a consumer layer: units per sample, elements per
// unit, bits per element.
struct UnitShape {
  std::int64_t units = 1, elements = 1;
  int bits = 8;
};
UnitShape producer_shape(const mapping::ChipMap& chip, const mapping::LayerMap& consumer, int producer);
// A layer's producers (ChipMap::layers indices), kNetworkInput for the network input.
std::vector<int> producers_of(const mapping::LayerMap& lm);
inline bool is_matrix(const mapping::LayerMap& lm) { return lm.kind == mapping::LayerMap::Kind::Matrix; }

// Whole KiB that hold `bits` (at least 1): what an `auto` buffer is given.
inline double whole_kib(std::int64_t bits) { return static_cast<double>(std::max<std::int64_t>(1, ceil_div(bits, 8192))); }

// Each station's share of its tile's input and output buffers (`auto` sizes chosen first); fails
// at the tile key when a share cannot hold a window or an output unit.
void size_tile_buffers(ChipPlan& plan, const mapping::ChipMap& chip);
// The global buffer's peak (`auto` size chosen), its check, and what spills to DRAM.
void size_global_buffer(ChipPlan& plan, const mapping::ChipMap& chip, const TimingParams& params,
                        const std::vector<std::vector<int>>& consumers);

}  // namespace cimsim::engine::detail
