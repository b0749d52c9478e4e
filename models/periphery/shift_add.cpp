#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("shift_add", "Shift-and-add behind each ADC: weighs codes by slice and accumulates");
  s.order(81);
  // ISAAC: 0.05 mW per unit; 4 units serve 8 ADCs at 1.28 GS/s, i.e. 2.56 G operations/s each.
  s.real("energy_pj", 0.0195, "pJ", "Energy per operation (ISAAC: 0.05 mW at 2.56 G op/s)").at_least(0);
  s.real("area_um2", 30, "um^2", "Area per ADC (ISAAC: one 60 um^2 unit per two ADCs)").at_least(0);
  // ISAAC's units take one ADC output per cycle of the 1.28 GHz ADC clock.
  s.integer("latency_cycles", 1, "cycle",
            "Cycles from a code leaving the ADC to the running sum holding it (ISAAC: one code per cycle)")
      .range(0, 1000);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

ShiftAddCost ShiftAddCost::from(const config::Params& p) {
  return {p.real("energy_pj"), p.real("area_um2"), static_cast<int>(p.integer("latency_cycles"))};
}

}  // namespace cimsim::models
