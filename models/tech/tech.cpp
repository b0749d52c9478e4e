#include "models/tech/tech.hpp"

#include <algorithm>
#include <cmath>

#include "sim/config/schema.hpp"

namespace cimsim::models {

namespace {

// Horowitz, ISSCC 2014, 45 nm at 0.9 V.
constexpr double kRefNodeNm = 45, kRefVdd = 0.9;
constexpr double kAdd32Pj = 0.1, kMult32Pj = 3.1;
constexpr double kAdd32Um2 = 137, kMult32Um2 = 3495;
// ISAAC (Shafiee et al., ISCA 2016) at 32 nm: router 20.74 pJ per 256-bit transfer, 0.151 mm² per 4 tiles.
constexpr double kRouterPjPerBit32 = 20.74 / 256, kRouterMm2PerTile32 = 0.151 / 4;

config::SectionSpec tech_section() {
  config::SectionSpec s("tech",
                        "Technology node: supply, SRAM bit cell and leakage, wires; scales buffer, digital, control "
                        "and interconnect costs (presets: 14nm, 22nm, 28nm, 32nm, 45nm, 65nm)");
  s.order(39).presets("tech");
  // Defaults: the 32 nm node (configs/tech/32nm.yaml gives the sources).
  s.real("node_nm", 32, "nm", "Feature size of the node (32 nm: Natarajan et al., IEDM 2008)").above(0);
  s.real("vdd_v", 0.9, "V", "Nominal supply (32 nm: 0.9 V, CACTI 7 high-performance devices)").above(0);
  s.real("sram_cell_um2", 0.171, "um^2", "6T SRAM bit cell (32 nm: 0.171 um^2, Natarajan et al., IEDM 2008)").above(0);
  s.real("sram_leakage_pw_per_bit", 2.23, "pW",
         "Static power of one SRAM bit: Vdd x I_off x (pull-down + access width) of the CACTI 7 low-standby-power "
         "devices at 300 K (32 nm: 1.0 V x 20.6 pA/um x 3.39 F)")
      .at_least(0);
  s.real("wire_cap_ff_per_um", 0.2, "fF/um",
         "Wire capacitance per length, about constant over nodes (Ho, Mai and Horowitz, 'The future of wires', "
         "Proc. IEEE 2001)")
      .above(0);
  // Circuit constants of memory arrays, from the CACTI 7 technology tables (Balasubramonian et al.,
  // ACM TACO 2017; tech_params/32nm.dat at the defaults). The presets derive theirs the same way.
  s.real("array_gate_cap_ff_per_um", 0.574, "fF/um",
         "Gate capacitance per um of transistor width in memory arrays (cells, drivers, sense amplifiers), ideal plus "
         "fringe (32 nm: 0.534 + 0.040, CACTI 7 HP devices); logic and circuit ADCs use gate_cap_ff_per_um")
      .above(0);
  s.real("nmos_r_ohm_um", 606, "Ohm*um",
         "Effective on-resistance of an NMOS 1 um wide: multiplier x Vdd / I_on (32 nm: 1.49 x 0.9 V / 2211.7 uA/um, "
         "CACTI 7 HP devices)")
      .above(0);
  s.real("local_wire_ohm_per_um", 8.40, "Ohm/um",
         "Resistance of a minimum-pitch wire (word and bit lines): rho / ((AR*w - barrier)*(w - 2*barrier)), w = "
         "1.25 F (32 nm: 2.2 uOhm*cm, AR 2, 3 nm barrier; CACTI 7 local conservative wires)")
      .above(0);
  s.real("global_wire_ohm_per_um", 0.720, "Ohm/um",
         "Resistance of a global wire (H-tree), w = 4 F, AR 2.2, dishing 0.22 w (32 nm; CACTI 7 global conservative "
         "wires)")
      .above(0);
  s.real("sense_amp_fj", 2.16, "fJ", "Energy of one sense-amplifier decision (32 nm: CACTI 7 sense_dy_power)")
      .above(0);
  s.real("sense_amp_ps", 30, "ps", "Delay of one sense-amplifier decision (32 nm: CACTI 7 sense_delay)").above(0);
  // PTM high-performance models as NeuroSim's technology file carries them (Chen, Peng and Yu, IEEE TCAD 2018):
  // ideal gate plus fringe capacitance, 32 nm: 0.377 + 0.471 fF/um.
  s.real("gate_cap_ff_per_um", 0.848, "fF/um",
         "Gate capacitance per um of drawn transistor width, ideal gate plus fringe (32 nm PTM HP: 0.848); sizes the "
         "macro periphery and circuit ADCs")
      .above(0);
  s.real("cap_density_ff_per_um2", 2, "fF/um^2",
         "Capacitance per area of the capacitor arrays of SAR converters; 2 fF/um^2 is an assumption, not a "
         "measurement: set it from your process's MOM or MIM capacitor")
      .above(0);
  return s;
}
const config::SectionRegistrar registered(tech_section);

}  // namespace

Tech Tech::from(const config::Params& p) {
  Tech t;
  t.node_nm = p.real("node_nm");
  t.vdd_v = p.real("vdd_v");
  t.sram_cell_um2 = p.real("sram_cell_um2");
  t.sram_leakage_pw_per_bit = p.real("sram_leakage_pw_per_bit");
  t.wire_cap_ff_per_um = p.real("wire_cap_ff_per_um");
  t.gate_cap_ff_per_um = p.real("gate_cap_ff_per_um");
  t.array_gate_cap_ff_per_um = p.real("array_gate_cap_ff_per_um");
  t.nmos_r_ohm_um = p.real("nmos_r_ohm_um");
  t.local_wire_ohm_per_um = p.real("local_wire_ohm_per_um");
  t.global_wire_ohm_per_um = p.real("global_wire_ohm_per_um");
  t.sense_amp_fj = p.real("sense_amp_fj");
  t.sense_amp_ps = p.real("sense_amp_ps");
  t.cap_density_ff_per_um2 = p.real("cap_density_ff_per_um2");
  return t;
}

double Tech::energy_scale() const { return node_nm / kRefNodeNm * (vdd_v / kRefVdd) * (vdd_v / kRefVdd); }
double Tech::area_scale() const { return (node_nm / kRefNodeNm) * (node_nm / kRefNodeNm); }

double Tech::add_pj() const { return kAdd32Pj * energy_scale(); }
double Tech::mult_pj() const { return kMult32Pj * energy_scale(); }
double Tech::adder_um2() const { return kAdd32Um2 * area_scale(); }
double Tech::multiplier_um2() const { return kMult32Um2 * area_scale(); }

double Tech::wire_pj_per_bit_mm() const { return 0.5 * wire_cap_ff_per_um * vdd_v * vdd_v; }  // fF/um·mm = pF

double Tech::router_pj_per_bit() const {
  Tech at32;
  at32.node_nm = 32;
  at32.vdd_v = 0.9;
  return kRouterPjPerBit32 * energy_scale() / at32.energy_scale();
}

double Tech::router_mm2_per_tile() const { return kRouterMm2PerTile32 * (node_nm / 32) * (node_nm / 32); }

}  // namespace cimsim::models
