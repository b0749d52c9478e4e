#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("sample_hold", "Sample-and-hold on every column: holds a read while the ADC converts");
  s.order(80);
  // ISAAC (Shafiee et al., ISCA 2016): 10 nW per S&H; over one 100 ns read that is 1 fJ.
  s.real("energy_fj", 1.0, "fJ", "Energy per sample (ISAAC: 10 nW over a 100 ns read)").at_least(0);
  s.real("area_um2", 0.039, "um^2", "Area per column (ISAAC: 3.9e-8 mm^2)").at_least(0);
  s.integer("latency_cycles", 1, "cycle",
            "Cycles to sample the settled column currents (at least one: analog times round up to whole cycles, "
            "docs/design.md §5)")
      .range(0, 1000);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

SampleHoldCost SampleHoldCost::from(const config::Params& p) {
  return {p.real("energy_fj"), p.real("area_um2"), static_cast<int>(p.integer("latency_cycles"))};
}

}  // namespace cimsim::models
