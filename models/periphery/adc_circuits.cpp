#include "models/periphery/adc_circuits.hpp"

#include <cmath>

#include "models/tech/gates.hpp"
#include "models/tech/tech.hpp"

namespace cimsim::models {

namespace {
AdcCost cost_of(const Gates& g, const Circuit& c) { return {g.energy_fj(c.switched_ff) * 1e-3, c.area_um2}; }
}  // namespace

double sar_switching_factor(int bits) {
  double f = 0;
  for (int i = 1; i <= bits; ++i) f += std::ldexp(1.0, bits + 1 - 2 * i) * (std::ldexp(1.0, i) - 1);
  return f;
}

AdcCost sar_circuit(int bits, const Tech& tech, double unit_cap_ff) {
  const Gates g(tech);
  // Per conversion: the DAC's switching, one decision and one register clock per bit (all the
  // register's flip-flops see the clock), and a switch driver per bit.
  Circuit c = g.comparator() * bits;
  c += g.flip_flop() * (static_cast<double>(bits) * bits);
  c += g.inverter(4) * bits;
  AdcCost cost = cost_of(g, c);
  cost.energy_pj += sar_switching_factor(bits) * unit_cap_ff * tech.vdd_v * tech.vdd_v * 1e-3;
  // Area: the capacitor array, one comparator, the register and the switch drivers.
  cost.area_um2 = std::ldexp(unit_cap_ff, bits) / tech.cap_density_ff_per_um2 + g.comparator().area_um2 +
                  bits * (g.flip_flop().area_um2 + g.inverter(4).area_um2);
  return cost;
}

AdcCost flash_circuit(int bits, const Tech& tech) {
  const Gates g(tech);
  const double comparators = std::ldexp(1.0, bits) - 1;
  const Circuit c = (g.comparator() + g.nand(2)) * comparators + g.flip_flop() * bits;
  return cost_of(g, c);
}

AdcCost ramp_circuit(int bits, const Tech& tech) {
  const Gates g(tech);
  const double steps = std::ldexp(1.0, bits);
  AdcCost cost = cost_of(g, g.comparator() * steps + g.flip_flop() * (2 * steps - 2));
  cost.area_um2 = g.comparator().area_um2 + bits * g.flip_flop().area_um2;
  return cost;
}

}  // namespace cimsim::models
