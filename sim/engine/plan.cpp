#include "sim/engine/plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace cimsim::engine {

int partial_sum_bits(const mapping::ChipMap& chip, const mapping::LayerMap& lm) {
  const double x_max = std::ldexp(1.0, lm.activation_bits) - 1;
  const double w_max = std::ldexp(1.0, lm.weight_bits - 1) - 1;
  const double most = std::min(chip.arch.rows, lm.in) * x_max * w_max;
  return 1 + static_cast<int>(std::ceil(std::log2(most + 1)));
}

ChipPlan make_plan(const mapping::ChipMap& chip, const TimingParams& params) {
  const mapping::Architecture& arch = chip.arch;
  ChipPlan plan;
  plan.read_cycles = params.read_cycles > 0 ? params.read_cycles : arch.read_cycles();
  plan.sample_hold_cycles = params.sample_hold_cycles;
  plan.buffer_width = arch.buffer_width_bits;
  plan.global_width = arch.global_buffer_width_bits;
  plan.bus_width = arch.bus_width_bits;
  plan.bus_latency = arch.bus_latency_cycles;
  plan.adcs_per_array = static_cast<int>(ceil_div(arch.cols, params.columns_per_adc));
  const bool offset_readout = !arch.analog_pairs() && arch.gmin_removal == mapping::GminRemoval::Digital;

  plan.arrays.resize(chip.arrays.size());
  for (std::size_t i = 0; i < chip.arrays.size(); ++i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    const mapping::LayerMap& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
    ArrayWork& w = plan.arrays[i];
    const int slices = static_cast<int>(lm.input_slices.size());
    w.reads = slices * a.sub_reads(arch);
    w.fetch_bits = static_cast<std::int64_t>(a.rows) * lm.activation_bits;
    const std::int64_t readouts = static_cast<std::int64_t>(a.readouts.size());
    w.conversion_cycles = ceil_div(readouts, plan.adcs_per_array) * params.adc_conversion_cycles;
    w.per_vector.array_reads = w.reads;
    w.per_vector.dac_drives = static_cast<std::int64_t>(a.rows) * slices;
    w.per_vector.conversions = readouts * w.reads;
    w.per_vector.sample_holds = readouts * w.reads;
    w.per_vector.shift_adds = readouts * w.reads;
    w.per_vector.digital_adds = offset_readout ? readouts * w.reads : 0;
  }

  for (std::size_t li = 0; li < chip.layers.size(); ++li) {
    const mapping::LayerMap& lm = chip.layers[li];
    LayerPlan lp;
    lp.layer_map = static_cast<int>(li);
    lp.vectors = lm.vectors_per_sample * params.inferences;
    lp.input_bits = static_cast<std::int64_t>(lm.in) * lm.activation_bits;

    // Tiles in order, each with the distinct rows it holds.
    std::map<int, std::map<int, int>> rows_by_tile;  // tile -> row block -> rows
    std::map<int, std::vector<int>> arrays_by_tile;
    for (int ai : lm.arrays) {
      const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
      rows_by_tile[a.tile][a.row_block] = a.rows;
      arrays_by_tile[a.tile].push_back(ai);
    }
    const std::int64_t ib_bits = static_cast<std::int64_t>(arch.input_buffer_kib * 8192.0);
    for (const auto& [tile, blocks] : rows_by_tile) {
      TileShare ts;
      ts.tile = tile;
      for (const auto& kv : blocks) ts.input_bits += static_cast<std::int64_t>(kv.second) * lm.activation_bits;
      ts.capacity_vectors = std::max<std::int64_t>(1, ib_bits / std::max<std::int64_t>(1, ts.input_bits));
      ts.arrays = arrays_by_tile[tile];
      lp.tiles.push_back(std::move(ts));
    }

    const int psum_bits = lm.arrays.empty() ? 0 : partial_sum_bits(chip, lm);
    for (int cb = 0; cb < lm.col_blocks; ++cb) {
      ColumnBlockPlan cp;
      std::vector<int> tiles;
      for (int ai : lm.arrays) {
        const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
        if (a.col_block != cb) continue;
        cp.arrays.push_back(ai);
        tiles.push_back(a.tile);
      }
      const mapping::ArrayMap& first = chip.arrays[static_cast<std::size_t>(cp.arrays.front())];
      cp.home_tile = first.tile;
      cp.outputs = first.outputs;
      std::sort(tiles.begin(), tiles.end());
      tiles.erase(std::unique(tiles.begin(), tiles.end()), tiles.end());
      for (int t : tiles)
        if (t != cp.home_tile) cp.remote_tiles.push_back(t);
      cp.output_bits = static_cast<std::int64_t>(cp.outputs) * lm.activation_bits;
      cp.partial_bits = static_cast<std::int64_t>(cp.outputs) * psum_bits;
      const auto blocks = static_cast<double>(cp.arrays.size());
      cp.adder_cycles = blocks > 1 ? static_cast<std::int64_t>(std::ceil(std::log2(blocks))) : 0;
      cp.row_blocks = static_cast<int>(cp.arrays.size());
      lp.column_blocks.push_back(std::move(cp));
    }

    if (lm.kind == mapping::LayerMap::Kind::Digital) {
      // Digital layers: their work per sample, done in the tile's digital unit.
      lp.digital = true;
      lp.vectors = params.inferences;
      lp.per_vector_layer.digital_adds = lm.digital.adds;
      lp.per_vector_layer.digital_mults = lm.digital.mults;
      lp.per_vector_layer.digital_compares = lm.digital.compares;
    } else {
      // Digital work per vector that belongs to the layer, not to an array (as the functional
      // engine counts it): row-block adds, zero-point and offset removal, requantization. Row
      // blocks are counted per column block since all-zero blocks have no array.
      lp.per_vector_block_unit.digital_adds =
          1 + (lm.zero_point_correction ? 1 : 0) + (arch.encoding == mapping::Encoding::Offset ? 1 : 0);
      lp.per_vector_block_unit.digital_mults = 1 + (lm.output_scaling ? 1 : 0);
      lp.per_vector_layer.digital_adds = arch.encoding == mapping::Encoding::Offset ? lm.in : 0;
    }
    plan.layers.push_back(std::move(lp));
  }
  return plan;
}

}  // namespace cimsim::engine
