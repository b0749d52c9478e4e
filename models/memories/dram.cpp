#include "models/memories/dram.hpp"

#include "sim/config/schema.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec dram_section() {
  config::SectionSpec s("dram",
                        "Off-chip DRAM for activations the global buffer cannot hold and for weights reloaded between "
                        "programming rounds (presets: ddr4, hbm2)");
  s.order(84).presets("drams");
  s.boolean("enabled", false,
            "Whether the chip has DRAM: false refuses a network whose activations do not fit the global buffer");
  // Defaults: the ddr4 preset.
  s.real("energy_pj_per_bit", 20, "pJ/bit",
         "Energy per bit read or written off chip (DDR: 640 pJ per 32-bit word, Horowitz, ISSCC 2014, as used by "
         "Han et al., ISCA 2016)")
      .above(0);
  s.real("bandwidth_gb_s", 25.6, "GB/s",
         "Peak bandwidth of the interface (one DDR4-3200 channel: 64 bits at 3200 MT/s, JEDEC JESD79-4)")
      .above(0);
  return s;
}
const config::SectionRegistrar registered(dram_section);

}  // namespace

Dram Dram::from(const config::Params& p) { return {p.flag("enabled"), p.real("energy_pj_per_bit"), p.real("bandwidth_gb_s")}; }

}  // namespace cimsim::models
