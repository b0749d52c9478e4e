// SOT-MRAM: the same magnetic tunnel junction as STT-MRAM for reading (models/cells/mtj_device.hpp),
// but written by an in-plane current along a spin-orbit-torque track under the junction, through a
// second transistor (2T1MTJ): reads and writes take separate paths. A read current crosses the
// junction only, where it exerts no spin-orbit torque, so reads do not disturb the cell; writes
// are short pulses that never stress the tunnel barrier. The second transistor makes the cell
// larger than STT-MRAM's.

#include "models/cells/mtj_device.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec spec() {
  config::SectionSpec s("sot_mram", "");
  MtjDefaults d;
  d.read_disturb_probability = 0;
  d.disturb_source = "0: the read path exerts no spin-orbit torque on the free layer";
  d.facts.area_f2 = 60;
  d.facts.area_source = "a typical 1T1MTJ cell's 45 F^2 (mid-range of 30-60 F^2) plus a second transistor: assumed, "
                        "see docs/devices.md";
  d.facts.read_latency_ns = 10;
  d.facts.latency_source = "the junction reads as STT-MRAM's: typical reads take 2-10 ns at about 0.1 V";
  d.facts.write_pulses_low = 1;
  d.facts.write_pulses_level = 1;
  d.facts.write_pulse_energy_pj = 0.1;
  d.facts.write_pulse_ns = 1;
  d.facts.write_source = "binary, one pulse per state; assumed: about 100 fJ in a 1 ns pulse, the scale of the sub-ns "
                         "(down to 210 ps, Garello et al., VLSI 2018) switching reported for scaled SOT junctions; "
                         "docs/devices.md shows the sensitivity";
  d.facts.endurance_writes = 5e10;
  d.facts.endurance_source = "over 5e10 writes without failure (Garello et al., VLSI 2018)";
  declare_mtj_keys(s, d);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"sot_mram",
     "SOT-MRAM: the STT-MRAM junction read through its own path (no read disturb), written by short spin-orbit-torque "
     "pulses",
     spec(), [](const config::Params& p) { return std::make_unique<MtjDevice>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
