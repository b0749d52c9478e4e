#include "sim/cost/activity_estimate.hpp"

#include <stdexcept>

#include "models/cells/cell_model.hpp"
#include "sim/cost/array_writes.hpp"

namespace cimsim::cost {

namespace {

// Mean of a per-level table over the levels a `width`-bit slice takes, 0 … 2^width − 1.
double mean_over_levels(const std::vector<double>& per_level, int width) {
  const int levels = 1 << width;
  if (levels > static_cast<int>(per_level.size())) throw std::logic_error("input slice wider than the DAC");
  double sum = 0;
  for (int u = 0; u < levels; ++u) sum += per_level[static_cast<std::size_t>(u)];
  return sum / levels;
}

}  // namespace

functional::Activity uniform_activity(const mapping::ChipMap& chip, const models::CellModel& cell,
                                      const functional::DriveLevels& drive) {
  const mapping::Architecture& arch = chip.arch;
  const double spread = arch.encoding == mapping::Encoding::Differential ? 0.25 : 0.5;
  const double g_mean = cell.g_min_us() + (cell.g_max_us() - cell.g_min_us()) * spread;
  // Resistance summation: the mean 1/G of a cell at uniform digits (an unused differential cell at
  // digit 0), kΩ.
  double r_mean_kohm = 0;
  if (!drive.cell_pj_per_kohm.empty()) {
    const int levels = 1 << arch.bits_per_cell;
    const double dg = (cell.g_max_us() - cell.g_min_us()) / (levels - 1);
    double uniform = 0;
    for (int d = 0; d < levels; ++d) uniform += 1e3 / (cell.g_min_us() + d * dg) / levels;
    r_mean_kohm = arch.encoding == mapping::Encoding::Differential ? 0.5 * (1e3 / cell.g_min_us() + uniform) : uniform;
  }
  functional::Activity act;
  act.samples = 1;
  act.layers.resize(chip.layers.size());
  for (const mapping::ArrayMap& a : chip.arrays) {
    // A vector is read by one copy of its layer's weights (LayerMap::copies): count copy 0's arrays.
    if (a.copy > 0) continue;
    const mapping::LayerMap& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
    double cell_pj_per_us = 0, chain_pj_per_kohm = 0, dac_pj = 0;  // one row over one vector's slices
    for (const auto& s : lm.input_slices) {
      cell_pj_per_us += mean_over_levels(drive.cell_pj_per_us, s.width);
      if (r_mean_kohm > 0) chain_pj_per_kohm += mean_over_levels(drive.cell_pj_per_kohm, s.width);
      dac_pj += mean_over_levels(drive.dac_pj, s.width);
    }
    const double vectors = static_cast<double>(lm.vectors_per_sample);
    functional::ActionCounts& layer = act.layers[static_cast<std::size_t>(a.layer_map)];
    layer.cell_energy_pj += vectors * a.rows * a.columns * (g_mean * cell_pj_per_us + r_mean_kohm * chain_pj_per_kohm);
    layer.dac_energy_pj += vectors * a.rows * dac_pj;
  }
  uniform_array_writes(act, chip, cell);
  return act;
}

}  // namespace cimsim::cost
