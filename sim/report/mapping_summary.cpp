#include "sim/report/mapping_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cimsim::report {

std::string mapping_summary(const run::Simulation& sim) {
  const auto& chip = sim.chip;
  std::string out =
      fmt::format("network     {} ({} layers, {} on arrays, {} MAC per inference) on {} arrays in {} tiles\n",
                  sim.network.name, sim.network.layers.size(),
                  std::count_if(chip.layers.begin(), chip.layers.end(),
                                [](const mapping::LayerMap& l) { return l.kind == mapping::LayerMap::Kind::Matrix; }),
                  static_cast<long long>(sim.network.macs_per_sample() + chip.written_macs()), chip.arrays.size(),
                  chip.tiles_used);
  std::string copies;
  for (const auto& lm : chip.layers)
    if (lm.copies > 1) copies += fmt::format("{}{} x{}", copies.empty() ? "" : ", ", lm.name, lm.copies);
  if (!copies.empty()) out += fmt::format("copies      {} ({} arrays hold copies)\n", copies, chip.copy_array_count());
  if (!sim.auto_sizes.empty()) {
    std::string line;
    for (const auto& a : sim.auto_sizes)
      line += fmt::format("{}{} {:g} {}", line.empty() ? "" : ", ", a.key, a.value, a.unit);
    out += "auto sizes  " + line + "\n";
  }
  return out;
}

}  // namespace cimsim::report
