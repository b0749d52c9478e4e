#pragma once
// The technology node: supply, SRAM bit cell, leakage and wires, and the first-order scaling of
// digital energies and areas from the 45 nm reference measurements they are quoted at. Pure C++.
//
// Energy of a digital operation scales with the switched capacitance (∝ F) and the square of the
// supply: E(F, V) = E_45 · (F / 45 nm) · (V / 0.9 V)²; areas scale with F². The reference values
// are Horowitz's 45 nm, 0.9 V figures (M. Horowitz, "Computing's energy problem (and what we can do
// about it)", ISSCC 2014): 32-bit add 0.1 pJ / 137 µm², 32-bit multiply 3.1 pJ / 3495 µm².
// Buffers are modelled from these constants by models/memories.

#include "sim/config/params.hpp"

namespace cimsim::models {

struct Tech {
  double node_nm = 32;
  double vdd_v = 0.9;
  double sram_cell_um2 = 0.171;
  double sram_leakage_pw_per_bit = 2.23;
  double wire_cap_ff_per_um = 0.2;
  // Circuit constants of memory arrays (models/memories), from CACTI 7's technology tables: gate
  // capacitance per µm of transistor width, the effective on-resistance of an NMOS of 1 µm, the
  // resistance of a minimum-pitch (local) and of a global wire per µm, and one sense amplifier's
  // energy and delay. The array gate capacitance is CACTI's, kept apart from the PTM figure below
  // that sizes logic, so that each model keeps the constants it was validated with.
  double array_gate_cap_ff_per_um = 0.574;
  double nmos_r_ohm_um = 606;
  double local_wire_ohm_per_um = 8.40;
  double global_wire_ohm_per_um = 0.720;
  double sense_amp_fj = 2.16;
  double sense_amp_ps = 30;
  // Transistor-level figures for circuits built from gates (models/tech/gates.hpp).
  double gate_cap_ff_per_um = 0.848;  // gate capacitance per µm of drawn width (ideal gate + fringe)
  double cap_density_ff_per_um2 = 2;  // capacitor arrays (SAR DACs, sample-and-hold): an assumption

  static Tech from(const config::Params& tech);
  double f_um() const { return node_nm * 1e-3; }

  // E(F, V) / E(45 nm, 0.9 V).
  double energy_scale() const;
  // A(F) / A(45 nm).
  double area_scale() const;

  double add_pj() const;   // 32-bit integer add (a compare is a subtraction: the same)
  double mult_pj() const;  // 32-bit integer multiply
  double adder_um2() const;
  double multiplier_um2() const;
  // A full-swing wire toggling on half of the cycles: ½·C·V² per bit and mm.
  double wire_pj_per_bit_mm() const;
  // A mesh router's energy per bit and area: ISAAC's 32 nm router (20.74 pJ per 256-bit transfer,
  // 0.151 mm² shared by 4 tiles; Shafiee et al., ISCA 2016) scaled to this node.
  double router_pj_per_bit() const;
  double router_mm2_per_tile() const;
  // Width of a global wire track: 8 F (CACTI 7 technology tables, global wire pitch).
  double global_wire_pitch_mm() const { return 8 * node_nm * 1e-6; }
  // Off-current per µm of transistor width, A/µm: the per-bit leakage over the 3.39 F of leaking
  // width in a 6T cell at the supply (the form the presets give it in).
  double off_current_a_per_um() const { return sram_leakage_pw_per_bit * 1e-12 / (vdd_v * 3.39 * node_nm * 1e-3); }
  // Delay of an inverter driving four copies of itself: 0.69·R·(4·C_in + C_self) with a P:N width
  // ratio of 2 and the drain capacitance taken equal to the gate capacitance (Weste & Harris,
  // CMOS VLSI Design, 4th ed., 2011, §2.3), ps.
  double fo4_ps() const { return 0.69 * nmos_r_ohm_um * 15 * array_gate_cap_ff_per_um * 1e-3; }
};

}  // namespace cimsim::models
