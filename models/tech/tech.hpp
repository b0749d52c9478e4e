#pragma once
// The technology node: supply, SRAM bit cell, leakage and wires, and the first-order scaling of
// digital energies and areas from the 45 nm reference measurements they are quoted at. Pure C++.
//
// Energy of a digital operation scales with the switched capacitance (∝ F) and the square of the
// supply: E(F, V) = E_45 · (F / 45 nm) · (V / 0.9 V)²; areas scale with F². The reference values
// are Horowitz's 45 nm, 0.9 V figures (M. Horowitz, "Computing's energy problem (and what we can do
// about it)", ISSCC 2014): 32-bit add 0.1 pJ / 137 µm², 32-bit multiply 3.1 pJ / 3495 µm², and a
// 64-bit read of an 8 KB SRAM 10 pJ (32 KB: 20 pJ; 1 MB: 100 pJ).

#include "sim/config/params.hpp"

namespace cimsim::models {

struct Tech {
  double node_nm = 32;
  double vdd_v = 0.9;
  double sram_cell_um2 = 0.171;
  double sram_array_efficiency = 0.7;
  double sram_leakage_pw_per_bit = 2.23;
  double wire_cap_ff_per_um = 0.2;
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
  // Energy per bit read or written in an SRAM of `capacity_kib` built as `ports` banks (one per
  // port): Horowitz's 8 KB figure scaled by √(bank capacity / 8 KB), which his 8 KB → 32 KB → 1 MB
  // series follows within 13 %.
  double sram_pj_per_bit(double capacity_kib, int ports) const;
  // Area of an SRAM of `capacity_kib`: bit cells over the array efficiency.
  double sram_mm2(double capacity_kib) const;
  // Static power of `bits` SRAM bits, W.
  double sram_leakage_w(double bits) const;
  // A full-swing wire toggling on half of the cycles: ½·C·V² per bit and mm.
  double wire_pj_per_bit_mm() const;
  // A mesh router's energy per bit and area: ISAAC's 32 nm router (20.74 pJ per 256-bit transfer,
  // 0.151 mm² shared by 4 tiles; Shafiee et al., ISCA 2016) scaled to this node.
  double router_pj_per_bit() const;
  double router_mm2_per_tile() const;
  // Width of a global wire track: 8 F (CACTI 7 technology tables, global wire pitch).
  double global_wire_pitch_mm() const { return 8 * node_nm * 1e-6; }
};

}  // namespace cimsim::models
