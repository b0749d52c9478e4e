#pragma once
// What the timing model needs to know about each layer, worked out once from the mapping: which
// tiles hold it, how many bits each tile receives per input vector, where each column block's
// partial sums meet, and how much each array does per vector. Plain C++.

#include <cstdint>
#include <vector>

#include "sim/engine/timing.hpp"

namespace cimsim::engine {

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

struct TileShare {
  int tile = 0;
  std::int64_t input_bits = 0;        // rows this tile holds × activation bits, per vector
  std::int64_t capacity_vectors = 1;  // input vectors its input buffer holds at once
  std::vector<int> arrays;            // ChipMap::arrays indices on this tile
};

struct ColumnBlockPlan {
  int home_tile = 0;
  std::vector<int> arrays;        // all row blocks of this column block
  std::vector<int> remote_tiles;  // tiles other than home holding some of its row blocks
  int outputs = 0;
  std::int64_t output_bits = 0;   // requantized outputs written per vector
  std::int64_t partial_bits = 0;  // one remote tile's partial sums per vector
  std::int64_t adder_cycles = 0;  // adder tree over the row blocks
  int row_blocks = 1;             // row blocks with an array (all-zero blocks have none)
};

struct ArrayWork {
  int reads = 0;                 // per vector: input slices × sub-reads
  std::int64_t fetch_bits = 0;   // rows × activation bits
  std::int64_t conversion_cycles = 0;  // per read: ceil(readouts / ADCs) × cycles per conversion
  functional::ActionCounts per_vector;  // actions of one vector on this array
};

struct LayerPlan {
  int layer_map = 0;
  bool digital = false;  // runs in a tile's digital unit, not on arrays
  std::int64_t vectors = 0;  // per run (inferences × vectors per sample)
  std::int64_t input_bits = 0;
  std::vector<TileShare> tiles;
  std::vector<ColumnBlockPlan> column_blocks;
  functional::ActionCounts per_vector_layer;  // actions done once per vector for the whole layer
  functional::ActionCounts per_vector_block_unit;  // actions per vector per output of a column block
};

struct ChipPlan {
  std::vector<LayerPlan> layers;
  std::vector<ArrayWork> arrays;  // ChipMap::arrays order
  std::int64_t read_cycles = 0;
  std::int64_t sample_hold_cycles = 0;
  std::int64_t buffer_width = 1, global_width = 1, bus_width = 1, bus_latency = 0;
  int adcs_per_array = 1;
};

ChipPlan make_plan(const mapping::ChipMap& chip, const TimingParams& params);

}  // namespace cimsim::engine
