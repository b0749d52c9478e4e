#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("sram", "On-chip buffers (tile and global): energy per bit moved and area per capacity");
  s.order(82);
  // auto derives each buffer's figures from the tech node, its capacity and its ports (docs/energy-area.md).
  // A given value applies to every buffer, e.g. ISAAC's 64 KB eDRAM: 20.45 pJ per 256-bit access
  // (0.0799 pJ/bit) and 0.083 mm^2 (0.0012969 mm^2/KiB).
  s.real("energy_pj_per_bit", 0, "pJ/bit",
         "Access energy per bit of every buffer; auto = from the tech node, scaled with each buffer's capacity per "
         "port (ISAAC eDRAM: 0.0799); 0 = not counted")
      .at_least(0)
      .or_auto(true);
  s.real("area_mm2_per_kib", 0, "mm^2/KiB",
         "Area per KiB of every buffer; auto = from the tech node's bit cell (ISAAC eDRAM: 0.0012969); 0 = not "
         "counted")
      .at_least(0)
      .or_auto(true);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

Pinned pinned(const config::Params& p, const std::string& key) {
  if (p.is_auto(key)) return std::nullopt;
  return p.real(key);
}

SramCost SramCost::from(const config::Params& p) { return {pinned(p, "energy_pj_per_bit"), pinned(p, "area_mm2_per_kib")}; }

}  // namespace cimsim::models
