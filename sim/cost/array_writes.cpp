#include "sim/cost/array_writes.hpp"

#include <algorithm>

namespace cimsim::cost {

std::vector<models::WriteCost> level_write_costs(const models::CellModel& cell, int bits_per_cell) {
  const int levels = 1 << bits_per_cell;
  const double g_min = cell.g_min_us();
  const double delta = (cell.g_max_us() - g_min) / (levels - 1);
  std::vector<models::WriteCost> out(static_cast<std::size_t>(levels));
  for (int d = 0; d < levels; ++d) out[static_cast<std::size_t>(d)] = cell.write_cost(g_min + d * delta);
  return out;
}

double slowest_write_ns(const std::vector<models::WriteCost>& levels) {
  double slowest = 0;
  for (const auto& w : levels) slowest = std::max(slowest, w.time_ns);
  return slowest;
}

double mean_write_pj(const std::vector<models::WriteCost>& levels) {
  double mean = 0;
  for (const auto& w : levels) mean += w.energy_pj / static_cast<double>(levels.size());
  return mean;
}

bool writes_cost_nothing(const std::vector<models::WriteCost>& levels) {
  return std::all_of(levels.begin(), levels.end(),
                     [](const models::WriteCost& w) { return w.time_ns == 0 && w.energy_pj == 0; });
}

void price_array_writes(functional::Activity& activity, const models::CellModel& cell, int bits_per_cell) {
  const std::vector<models::WriteCost> level = level_write_costs(cell, bits_per_cell);
  for (std::size_t l = 0; l < activity.written_levels.size() && l < activity.layers.size(); ++l) {
    functional::ActionCounts& layer = activity.layers[l];
    layer.cell_writes = 0;
    layer.write_energy_pj = 0;
    const auto& counts = activity.written_levels[l];
    for (std::size_t d = 0; d < counts.size() && d < level.size(); ++d) {
      layer.cell_writes += counts[d];
      layer.write_energy_pj += static_cast<double>(counts[d]) * level[d].energy_pj;
    }
  }
}

void uniform_array_writes(functional::Activity& activity, const mapping::ChipMap& chip, const models::CellModel& cell) {
  const double mean_pj = mean_write_pj(level_write_costs(cell, chip.arch.bits_per_cell));
  if (activity.layers.size() < chip.layers.size()) activity.layers.resize(chip.layers.size());
  for (const mapping::ArrayMap& a : chip.arrays) {
    const mapping::LayerMap& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
    if (!lm.written) continue;
    const std::int64_t writes = lm.vectors_per_sample / lm.vectors_per_write;
    const std::int64_t cells = static_cast<std::int64_t>(a.rows) * a.columns * writes;
    functional::ActionCounts& layer = activity.layers[static_cast<std::size_t>(a.layer_map)];
    layer.cell_writes += cells;
    layer.write_energy_pj += static_cast<double>(cells) * mean_pj;
  }
}

double array_rewrite_ns(int rows, const models::CellModel& cell, int bits_per_cell) {
  return rows * slowest_write_ns(level_write_costs(cell, bits_per_cell));
}

std::vector<std::int64_t> rewrite_cycles(const mapping::ChipMap& chip, const models::CellModel& cell) {
  std::vector<std::int64_t> out(chip.layers.size(), 0);
  const double row_ns = slowest_write_ns(level_write_costs(cell, chip.arch.bits_per_cell));  // once, not per array
  for (const mapping::ArrayMap& a : chip.arrays) {
    const auto l = static_cast<std::size_t>(a.layer_map);
    if (!chip.layers[l].written) continue;
    out[l] = std::max<std::int64_t>(out[l], chip.arch.cycles_of_ns(a.rows * row_ns));
  }
  return out;
}

double written_age_s(const mapping::ChipMap& chip, const models::CellModel& cell) {
  int rows = 0;
  for (const mapping::ArrayMap& a : chip.arrays)
    if (chip.layers[static_cast<std::size_t>(a.layer_map)].written) rows = std::max(rows, a.rows);
  return 1e-9 * array_rewrite_ns(rows, cell, chip.arch.bits_per_cell);
}

void require_write_costs(const mapping::Architecture& arch, const models::CellModel& cell, const std::string& cell_name) {
  if (!arch.activation_products_on_arrays) return;
  if (level_write_costs(cell, arch.bits_per_cell).front().characterised) return;
  arch.mapping_params.fail("activation_products",
                           "arrays rewrites cells for every input, but cell model '" + cell_name +
                               "' has no characterised write cost (write_pulses_level, write_pulse_energy_pj and "
                               "write_pulse_ns); give them in the cell section or use digital");
}

}  // namespace cimsim::cost
