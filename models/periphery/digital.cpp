#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("digital", "Digital arithmetic in the tiles: partial-sum adds, offset removal, requantization");
  s.order(84);
  // Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm: 32-bit integer add 0.1 pJ, multiply 3.1 pJ.
  // auto scales these to the tech node (docs/energy-area.md); a given value applies as is, 0 included.
  s.real("add_energy_pj", 0, "pJ",
         "Energy per addition or comparison; auto = a 32-bit integer add at the tech node (45 nm: 0.1 pJ, Horowitz "
         "2014); 0 = not counted")
      .at_least(0)
      .or_auto(true);
  s.real("mult_energy_pj", 0, "pJ",
         "Energy per multiplication; auto = a 32-bit integer multiply at the tech node (45 nm: 3.1 pJ, Horowitz "
         "2014); 0 = not counted")
      .at_least(0)
      .or_auto(true);
  // Horowitz 2014, 45 nm: a 32-bit integer adder takes 137 um^2.
  s.real("add_area_um2", 137, "um^2", "Area of one adder / accumulator (32-bit integer add, 45 nm, Horowitz 2014)")
      .at_least(0);
  s.integer("add_latency_cycles", 1, "cycle",
            "Cycles of one addition, e.g. one level of the row-block adder tree (docs/timing.md: one cycle per level)")
      .range(0, 1000);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

DigitalCost DigitalCost::from(const config::Params& p) {
  return {pinned(p, "add_energy_pj"), pinned(p, "mult_energy_pj"), p.real("add_area_um2"),
          static_cast<int>(p.integer("add_latency_cycles"))};
}

}  // namespace cimsim::models
