#include "models/periphery/periphery_costs.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {
namespace {
config::SectionSpec section() {
  config::SectionSpec s("io",
                        "The chip's off-chip interfaces (SerDes, HyperTransport or PCIe links): their power while the "
                        "chip runs and their area, counted at chip level only");
  s.order(85);
  // A link's power is mostly its clocking and drivers, drawn whether data moves or not, so it is
  // charged for the run's time like leakage; a chip quoted at its pins counts it, a macro does not.
  s.real("power_mw", 0, "mW",
         "Power of all the off-chip links together while the chip runs (ISAAC's HyperTransport links: 10400); 0 = "
         "none")
      .at_least(0);
  s.real("area_mm2", 0, "mm^2", "Area of all the off-chip links together (ISAAC's HyperTransport links: 22.88)")
      .at_least(0);
  return s;
}
const config::SectionRegistrar registered(section);
}  // namespace

ChipIoCost ChipIoCost::from(const config::Params& p) { return {p.real("power_mw"), p.real("area_mm2")}; }

}  // namespace cimsim::models
