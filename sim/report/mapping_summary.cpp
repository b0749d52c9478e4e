#include "sim/report/mapping_summary.hpp"

#include <fmt/format.h>

namespace cimsim::report {

std::string mapping_summary(const run::Simulation& sim) {
  const auto& chip = sim.chip;
  std::string out =
      fmt::format("network     {} ({} layers, {} on arrays, {} MAC per inference) on {} arrays in {} tiles\n",
                  sim.network.name, sim.network.layers.size(), sim.network.matrix_layers().size(),
                  static_cast<long long>(sim.network.macs_per_sample()), chip.arrays.size(), chip.tiles_used);
  if (!sim.auto_sizes.empty()) {
    std::string line;
    for (const auto& a : sim.auto_sizes)
      line += fmt::format("{}{} {:g} {}", line.empty() ? "" : ", ", a.key, a.value, a.unit);
    out += "auto sizes  " + line + "\n";
  }
  return out;
}

}  // namespace cimsim::report
