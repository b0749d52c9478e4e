#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("interconnect", "On-chip network between tiles and the global buffer: energy and area");
  s.order(83);
  // auto derives both from the tech node (router plus wire per mesh hop, wire along the bus); a given value
  // applies as is, e.g. ISAAC's router: 20.74 pJ per 256-bit transfer, 0.151 mm^2 shared by 4 tiles.
  s.real("energy_pj_per_bit", 0, "pJ/bit",
         "Energy per bit per link crossed (the bus counts as one); auto = from the tech node (ISAAC router: 0.081); "
         "0 = not counted")
      .at_least(0)
      .or_auto(true);
  s.real("area_mm2_per_tile", 0, "mm^2",
         "Area per tile; auto = from the tech node: a router per tile (mesh) or the bus wires (ISAAC: 0.03775); 0 = "
         "not counted")
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

InterconnectCost InterconnectCost::from(const config::Params& p) {
  return {pinned(p, "energy_pj_per_bit"), pinned(p, "area_mm2_per_tile")};
}

}  // namespace cimsim::models
