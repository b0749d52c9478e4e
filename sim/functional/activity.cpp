#include "sim/functional/activity.hpp"

namespace cimsim::functional {

ActionCounts& ActionCounts::operator+=(const ActionCounts& o) {
  array_reads += o.array_reads;
  dac_drives += o.dac_drives;
  conversions += o.conversions;
  sample_holds += o.sample_holds;
  shift_adds += o.shift_adds;
  digital_adds += o.digital_adds;
  digital_mults += o.digital_mults;
  digital_compares += o.digital_compares;
  cell_energy_pj += o.cell_energy_pj;
  dac_energy_pj += o.dac_energy_pj;
  return *this;
}

bool ActionCounts::same_counts(const ActionCounts& o) const {
  return array_reads == o.array_reads && dac_drives == o.dac_drives && conversions == o.conversions &&
         sample_holds == o.sample_holds && shift_adds == o.shift_adds && digital_adds == o.digital_adds &&
         digital_mults == o.digital_mults && digital_compares == o.digital_compares;
}

void Activity::add(const Activity& o) {
  samples += o.samples;
  if (layers.size() < o.layers.size()) layers.resize(o.layers.size());
  for (std::size_t i = 0; i < o.layers.size(); ++i) layers[i] += o.layers[i];
  if (row_levels.size() < o.row_levels.size()) row_levels.resize(o.row_levels.size());
  for (std::size_t i = 0; i < o.row_levels.size(); ++i) {
    if (o.row_levels[i].size() == 0) continue;
    if (row_levels[i].size() == 0) row_levels[i] = o.row_levels[i];
    else row_levels[i] += o.row_levels[i];
  }
}

ActionCounts Activity::total() const {
  ActionCounts t;
  for (const auto& l : layers) t += l;
  return t;
}

}  // namespace cimsim::functional
