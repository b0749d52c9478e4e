#include "models/periphery/dac.hpp"

#include "sim/config/schema.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec dac_section() {
  config::SectionSpec s("dac", "Row drivers: input slice width, power and area");
  s.order(75).presets("dacs").models(&DacRegistry::instance(), "voltage");
  s.integer("bits", 1, "bit", "Input bits applied per read (1 = bit-serial)").range(1, 8);
  s.real("power_uw", 3.9, "uW", "Power of one row driver while it drives (ISAAC 1-bit DAC, Shafiee et al. ISCA 2016)")
      .at_least(0);
  s.real("area_um2", 0.166, "um^2", "Area of one row driver (ISAAC 1-bit DAC: 1.66e-7 mm^2, Shafiee et al. ISCA 2016)")
      .at_least(0);
  return s;
}
const config::SectionRegistrar registered(dac_section);

class VoltageDac final : public DacModel {
 public:
  using DacModel::DacModel;
};

const bool registered_voltage = config::register_model<DacModel>(
    {"voltage", "Amplitude-coded driver: V = u/(2^bits-1)*V_read for the whole read; 1 bit = bit-serial",
     config::SectionSpec("voltage", ""),
     [](const config::Params& p) { return std::make_unique<VoltageDac>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
