// STT-MRAM: binary magnetic tunnel junctions, written and read through the junction (1T1MTJ). A
// digit-1 target is the parallel state (G_P = 1/R_P, the window's top), a digit-0 target the
// antiparallel one. The model's effects are the shared junction's (models/cells/mtj_device.hpp);
// a read current through the junction can flip it (read disturb). The small on/off ratio makes
// G_min large, which the mapping's reference column or digital offset removal takes away (docs/design.md
// §4); the large currents are flagged, or clipped, against column_current_limit_ua.

#include "models/cells/mtj_device.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec spec() {
  const std::string nvsim = "the STT-RAM cell NVSim ships, sample_STTRAM.cell: 40.82 uA for 5 ns (Dong et al., IEEE TCAD 2012)";
  config::SectionSpec s("stt_mram", "");
  MtjDefaults d;
  d.read_disturb_probability = 3e-8;
  d.disturb_source = "typical: 1e-9 to 1e-6 per read; the geometric middle";
  d.facts.area_f2 = 45;
  d.facts.area_source = "typical 1T1MTJ cells take 30-60 F^2: mid-range";
  d.facts.read_latency_ns = 10;
  d.facts.latency_source = "typical reads take 2-10 ns at about 0.1 V: the upper end";
  d.facts.write_pulses_low = 1;
  d.facts.write_pulses_level = 1;
  d.facts.write_pulse_energy_pj = 0.194;
  d.facts.write_pulse_ns = 5;
  d.facts.write_source = "binary, one pulse per state; " + nvsim;
  d.facts.endurance_writes = 1e12;
  d.facts.endurance_source = "typical: above 1e12 writes";
  declare_mtj_keys(s, d);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"stt_mram",
     "STT-MRAM: binary junctions from R_P and TMR, spread, read noise, read disturb, stuck-at faults, temperature "
     "(TMR, retention), column current limit",
     spec(), [](const config::Params& p) { return std::make_unique<MtjDevice>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
