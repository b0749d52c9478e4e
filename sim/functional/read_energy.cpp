#include "sim/functional/read_energy.hpp"

namespace cimsim::functional {

namespace {

// Σ over a row's drive counts of a per-level table.
double priced(const Eigen::Ref<const Eigen::Matrix<std::int64_t, 1, Eigen::Dynamic>>& row, const std::vector<double>& per_level) {
  double sum = 0;
  for (Eigen::Index level = 0; level < row.size(); ++level)
    sum += static_cast<double>(row(level)) * per_level[static_cast<std::size_t>(level)];
  return sum;
}

}  // namespace

void add_block_cell_read_pj(const RowLevels& counts, const ProgrammedRowBlock& rb, const DriveLevels& drive, double& pj,
                            Eigen::Index first_row) {
  for (int i = 0; i < rb.rows; ++i) {
    const auto row = counts.row(first_row + rb.row_begin + i);
    pj += priced(row, drive.cell_pj_per_us) * rb.row_g_us(i);
    if (rb.row_r_kohm.size() > 0) pj += priced(row, drive.cell_pj_per_kohm) * rb.row_r_kohm(i);
  }
}

void price_read_energy(Activity& activity, const ProgrammedChip& programmed, const DriveLevels& drive) {
  for (std::size_t l = 0; l < activity.row_levels.size() && l < programmed.layers.size(); ++l) {
    const RowLevels& counts = activity.row_levels[l];
    if (counts.size() == 0) continue;
    ActionCounts& layer = activity.layers[l];
    layer.cell_energy_pj = 0;
    layer.dac_energy_pj = 0;
    // Copy k of the weights (LayerMap::copies) has the rows [k·in, (k + 1)·in) of the counts: the
    // vectors it read (CrossbarBackend::multiply).
    const ProgrammedLayer& pl = programmed.layers[l];
    const Eigen::Index in = counts.rows() / pl.copies;
    for (std::size_t b = 0; b < pl.row_blocks.size(); ++b) {
      const ProgrammedRowBlock& rb = pl.row_blocks[b];
      const Eigen::Index first_row = static_cast<Eigen::Index>(b / pl.blocks_per_copy()) * in;  // its copy's rows
      // A written layer's blocks hold no conductances here: each write's reads were priced with
      // its own (Activity::written_cell_pj).
      if (rb.row_g_us.size() > 0) add_block_cell_read_pj(counts, rb, drive, layer.cell_energy_pj, first_row);
      const double arrays = static_cast<double>(rb.arrays.size());
      for (int i = 0; i < rb.rows; ++i)
        layer.dac_energy_pj += arrays * priced(counts.row(first_row + rb.row_begin + i), drive.dac_pj);
    }
    if (l < activity.written_cell_pj.size())
      for (const auto& [write, pj] : activity.written_cell_pj[l]) layer.cell_energy_pj += pj;
  }
}

}  // namespace cimsim::functional
