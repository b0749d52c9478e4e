#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("sram", "On-chip buffers (tile and global): energy per bit moved and area per capacity");
  s.order(82);
  // ISAAC's 64 KB eDRAM: 20.45 pJ per 256-bit access, 0.083 mm^2.
  s.real("energy_pj_per_bit", 0.0799, "pJ/bit", "Access energy per bit (ISAAC eDRAM: 20.45 pJ / 256 bit)").at_least(0);
  s.real("area_mm2_per_kib", 0.0012969, "mm^2/KiB", "Area per KiB (ISAAC eDRAM: 0.083 mm^2 / 64 KiB)").at_least(0);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

SramCost SramCost::from(const config::Params& p) { return {p.real("energy_pj_per_bit"), p.real("area_mm2_per_kib")}; }

}  // namespace cimsim::models
