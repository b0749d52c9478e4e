#include "sim/cost/activity_estimate.hpp"

#include "models/cells/cell_model.hpp"

namespace cimsim::cost {

functional::Activity uniform_activity(const mapping::ChipMap& chip, const models::CellModel& cell) {
  const mapping::Architecture& arch = chip.arch;
  // A uniform digit averages (2^cb − 1)/2: halfway between G_min and G_max. In a differential pair
  // one cell holds the magnitude's digit and the other digit 0, so a pair averages half that.
  const double spread = arch.encoding == mapping::Encoding::Differential ? 0.25 : 0.5;
  const double g_mean = cell.g_min_us() + (cell.g_max_us() - cell.g_min_us()) * spread;
  const double dac_max = (1 << chip.dac_bits) - 1;
  functional::Activity act;
  act.samples = 1;
  act.layers.resize(chip.layers.size());
  for (const mapping::ArrayMap& a : chip.arrays) {
    const mapping::LayerMap& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
    double u2 = 0;  // Σ over input slices of E[u²]
    for (const auto& s : lm.input_slices) {
      const double top = static_cast<double>((1 << s.width) - 1);
      u2 += top * (2 * top + 1) / 6;
    }
    const double v2 = arch.read_voltage_v * arch.read_voltage_v / (dac_max * dac_max);
    // µS · V² · ns = fJ; pJ in the report.
    const double per_vector = a.rows * a.columns * v2 * u2 * g_mean * arch.read_time_ns * 1e-3;
    act.layers[static_cast<std::size_t>(a.layer_map)].cell_energy_pj +=
        per_vector * static_cast<double>(lm.vectors_per_sample);
  }
  return act;
}

}  // namespace cimsim::cost
