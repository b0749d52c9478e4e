// SOT-MRAM buffers: a magnetic tunnel junction on a spin-orbit-torque track, with separate read
// and write paths (2T1MTJ). A small read transistor opens the junction onto the read bit line; a
// write transistor, sized for the switching current, drives that current along the low-resistance
// track under the junction, so the write never crosses the tunnel barrier and can be short.
// Voltage-gated SOT (VGSOT, configs/memories/vgsot_mram.yaml) is this model with several
// junctions on one track: a gate voltage on the junctions selects which of them a track pulse
// switches, so one write transistor serves `cells_per_track` bits, and each polarity takes its own
// pulse (`write_steps`: 2). Non-volatile: the cells do not leak.

#include <algorithm>

#include "models/memories/mtj_cell.hpp"

namespace cimsim::models {

namespace {

class SotMramMemory final : public MemoryModel {
 public:
  explicit SotMramMemory(const config::Params& p)
      : mtj_(MemoryMtj::from(p)),
        area_f2_(p.real("cell_area_f2")),
        read_f_(p.real("read_width_f")),
        per_track_(static_cast<int>(p.integer("cells_per_track"))),
        steps_(static_cast<int>(p.integer("write_steps"))) {}

  MemoryFigures figures(const MemoryRequest& r, const Tech& t) const override {
    const double f_um = t.node_nm * 1e-3;
    // The write transistor keeps at most half the supply across itself at the switching current.
    const double write_f = std::max(1.0, mtj_.write_current_ua * 1e-6 * t.nmos_r_ohm_um / (0.5 * t.vdd_v) / f_um);
    ArrayCell c = mtj_.array_cell("sot_mram", area_f2_ > 0 ? area_f2_ : derived_area_f2(write_f), t);
    c.separate_write_path = true;
    c.read_gate_um = c.read_drain_um = read_f_ * f_um;
    c.write_gate_um = c.write_drain_um = write_f * f_um / per_track_;
    c.cells_per_pulse = per_track_;
    c.write_steps = steps_;
    return evaluate_array(c, r, t);
  }

 private:
  // Each transistor of width w takes (w + 2 F)·4 F (the array model's layout rule); a track's
  // write transistor is shared by its cells; the junction sits above the transistors.
  double derived_area_f2(double write_f) const { return (read_f_ + 2) * 4 + (write_f + 2) * 4 / per_track_; }

  MemoryMtj mtj_;
  double area_f2_, read_f_;
  int per_track_, steps_;
};

config::SectionSpec spec() {
  const std::string nvsim = "the junction of NVSim's STT-RAM cell, sample_STTRAM.cell (Dong et al., IEEE TCAD 2012)";
  const std::string write =
      "assumed: about 100 fJ per bit from the supply in a 1 ns pulse, the scale of the sub-ns (down to 210 ps: "
      "Garello et al., VLSI 2018), sub-100-fJ switching reported for scaled SOT junctions; no array-level "
      "measurement; docs/memories.md shows the sensitivity";
  config::SectionSpec s("sot_mram", "");
  s.real("cell_area_f2", 0, "F^2",
         "Bit cell area; 0 = the two transistors by the layout rule, (read_width_f + 2)*4 + (write width + 2)*4 / "
         "cells_per_track F^2")
      .at_least(0);
  MemoryMtjDefaults d;
  d.cell_aspect = 1;
  d.aspect_source = "assumed square";
  d.r_p_kohm = 6;
  d.tmr = 1.0;
  d.read_voltage_v = 0.25;
  d.mtj_source = nvsim;
  d.sense_ns = 4;
  d.sense_source = "the STT-MRAM read path: 4 ns sensing at 0.9 V, Wei et al., ISSCC 2019";
  d.write_current_ua = 100;
  d.write_pulse_ns = 1;
  d.write_source = write;
  MemoryMtj::declare(s, d);
  s.real("read_width_f", 2, "F", "Read transistor width (assumed: the read current is small, the junction limits it)")
      .above(0);
  s.integer("cells_per_track", 1, "cells",
            "Junctions sharing one SOT track and its write transistor (1: SOT-MRAM; several: voltage-gated SOT)")
      .range(1, 64);
  s.integer("write_steps", 1, "pulses",
            "Track pulses one write takes one after another (1: SOT-MRAM; 2 for voltage-gated SOT, one per polarity)")
      .range(1, 8);
  return s;
}

const bool registered = config::register_model<MemoryModel>(
    {"sot_mram",
     "SOT-MRAM (2T1MTJ) and voltage-gated SOT: separate read and write paths, short low-energy writes, no cell "
     "leakage",
     spec(), [](const config::Params& p) { return std::make_unique<SotMramMemory>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
