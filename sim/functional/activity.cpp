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
  cell_writes += o.cell_writes;
  write_energy_pj += o.write_energy_pj;
  return *this;
}

bool ActionCounts::same_counts(const ActionCounts& o) const {
  return array_reads == o.array_reads && dac_drives == o.dac_drives && conversions == o.conversions &&
         sample_holds == o.sample_holds && shift_adds == o.shift_adds && digital_adds == o.digital_adds &&
         digital_mults == o.digital_mults && digital_compares == o.digital_compares &&
         cell_writes == o.cell_writes;
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
  if (written_levels.size() < o.written_levels.size()) written_levels.resize(o.written_levels.size());
  for (std::size_t i = 0; i < o.written_levels.size(); ++i) {
    auto& mine = written_levels[i];
    if (mine.size() < o.written_levels[i].size()) mine.resize(o.written_levels[i].size(), 0);
    for (std::size_t d = 0; d < o.written_levels[i].size(); ++d) mine[d] += o.written_levels[i][d];
  }
  if (written_cell_pj.size() < o.written_cell_pj.size()) written_cell_pj.resize(o.written_cell_pj.size());
  for (std::size_t i = 0; i < o.written_cell_pj.size(); ++i)
    written_cell_pj[i].insert(o.written_cell_pj[i].begin(), o.written_cell_pj[i].end());
}

ActionCounts Activity::total() const {
  ActionCounts t;
  for (const auto& l : layers) t += l;
  return t;
}

}  // namespace cimsim::functional
