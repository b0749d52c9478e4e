#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("digital", "Digital arithmetic in the tiles: partial-sum adds, offset removal, requantization");
  s.order(84);
  // Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm: 32-bit integer add 0.1 pJ, multiply 3.1 pJ.
  // 0 scales these to the tech node (docs/energy-area.md); a given value applies as is.
  s.real("add_energy_pj", 0, "pJ",
         "Energy per addition or comparison; 0 = a 32-bit integer add at the tech node (45 nm: 0.1 pJ, Horowitz 2014)")
      .at_least(0);
  s.real("mult_energy_pj", 0, "pJ",
         "Energy per multiplication; 0 = a 32-bit integer multiply at the tech node (45 nm: 3.1 pJ, Horowitz 2014)")
      .at_least(0);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

DigitalCost DigitalCost::from(const config::Params& p) { return {p.real("add_energy_pj"), p.real("mult_energy_pj")}; }

}  // namespace cimsim::models
