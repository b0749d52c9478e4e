#include "sim/functional/read_energy.hpp"

namespace cimsim::functional {

void price_read_energy(Activity& activity, const ProgrammedChip& programmed, const DriveLevels& drive) {
  for (std::size_t l = 0; l < activity.row_levels.size() && l < programmed.layers.size(); ++l) {
    const RowLevels& counts = activity.row_levels[l];
    if (counts.size() == 0) continue;
    ActionCounts& layer = activity.layers[l];
    layer.cell_energy_pj = 0;
    layer.dac_energy_pj = 0;
    for (const ProgrammedRowBlock& rb : programmed.layers[l].row_blocks) {
      const double arrays = static_cast<double>(rb.arrays.size());
      for (int i = 0; i < rb.rows; ++i) {
        const auto row = counts.row(rb.row_begin + i);
        double cell = 0, chain = 0, dac = 0;
        for (Eigen::Index level = 0; level < row.size(); ++level) {
          const double n = static_cast<double>(row(level));
          cell += n * drive.cell_pj_per_us[static_cast<std::size_t>(level)];
          if (!drive.cell_pj_per_kohm.empty()) chain += n * drive.cell_pj_per_kohm[static_cast<std::size_t>(level)];
          dac += n * drive.dac_pj[static_cast<std::size_t>(level)];
        }
        layer.cell_energy_pj += cell * rb.row_g_us(i);
        if (rb.row_r_kohm.size() > 0) layer.cell_energy_pj += chain * rb.row_r_kohm(i);
        layer.dac_energy_pj += arrays * dac;
      }
    }
  }
}

}  // namespace cimsim::functional
