#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("interconnect", "On-chip network between tiles and the global buffer: energy and area");
  s.order(83);
  // ISAAC's router: 20.74 pJ per 256-bit transfer; 0.151 mm^2 shared by 4 tiles.
  s.real("energy_pj_per_bit", 0.081, "pJ/bit", "Transfer energy per bit (ISAAC router: 20.74 pJ / 256 bit)").at_least(0);
  s.real("area_mm2_per_tile", 0.03775, "mm^2", "Area per tile (ISAAC: 0.151 mm^2 router per 4 tiles)").at_least(0);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

InterconnectCost InterconnectCost::from(const config::Params& p) {
  return {p.real("energy_pj_per_bit"), p.real("area_mm2_per_tile")};
}

}  // namespace cimsim::models
