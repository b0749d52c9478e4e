#include "sim/functional/drive_levels.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/cells/cell_model.hpp"
#include "models/periphery/dac.hpp"
#include "sim/config/error.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

DriveLevels DriveLevels::of(const models::DacModel* dac, int dac_bits, double v_read, double read_time_ns,
                            double dac_energy_pj) {
  const int top = (1 << dac_bits) - 1;
  auto voltage = [&](int u) { return dac ? dac->row_voltage_v(u, v_read) : u * v_read / top; };
  auto duration = [&](int u) { return dac ? dac->row_drive_ns(u, read_time_ns) : read_time_ns; };
  const double unit_charge = voltage(1) * duration(1);
  if (unit_charge <= 0) throw std::logic_error("DAC level 1 drives no charge");
  DriveLevels d;
  for (int u = 0; u <= top; ++u) {
    const double v = voltage(u), t = duration(u);
    // The engine's unit of current assumes the charge of level u is u times level 1's.
    if (std::fabs(v * t - u * unit_charge) > 1e-9 * unit_charge * std::max(1, u))
      throw std::logic_error("DAC charge is not linear in the input level");
    d.nl2.push_back(v * v * t / unit_charge);
    d.nl3.push_back(v * v * v * t / unit_charge);
    d.cell_pj_per_us.push_back(v * v * t * 1e-3);  // µS·V²·ns = fJ
    d.dac_pj.push_back(dac ? dac->drive_energy_pj(u, read_time_ns) : dac_energy_pj);
  }
  for (int u = 0; u <= top; ++u)
    d.nl_linear = d.nl_linear && std::fabs(d.nl2[u] - u * d.nl2[1]) <= 1e-9 * std::fabs(d.nl2[1]) * std::max(1, u) &&
                  std::fabs(d.nl3[u] - u * d.nl3[1]) <= 1e-9 * std::fabs(d.nl3[1]) * std::max(1, u);
  return d;
}

double array_read_ns(const models::DacModel& dac, const models::CellModel& cell, double array_read_time_ns) {
  return std::max(dac.drive_time_ns(array_read_time_ns), cell.read_latency_ns());
}

namespace {
// Resistance summation: the chain's current flows through every selected cell for the pulse.
void add_chain_energy(DriveLevels& d, const mapping::Architecture& arch, double pulse_ns) {
  if (!arch.readout.resistance()) return;
  const double i = arch.readout.read_current_ua;
  for (std::size_t u = 0; u < d.cell_pj_per_us.size(); ++u) {
    d.cell_pj_per_us[u] = 0;
    d.cell_pj_per_kohm.push_back(u > 0 ? i * i * pulse_ns * 1e-6 : 0.0);  // µA²·kΩ·ns = 1e-6 pJ
  }
}
}  // namespace

DriveLevels DriveLevels::amplitude(const mapping::ChipMap& chip) {
  const double pulse = chip.arch.read_pulse_ns.value_or(chip.arch.read_time_ns);
  DriveLevels d = of(nullptr, chip.dac_bits, chip.arch.read_voltage_v, pulse);
  add_chain_energy(d, chip.arch, pulse);
  return d;
}

double array_pulse_ns(const mapping::Architecture& arch, const models::DacModel& dac, const models::CellModel& cell) {
  return arch.read_pulse_ns.value_or(array_read_ns(dac, cell, arch.read_time_ns));
}

void require_off_resistance(const mapping::Architecture& arch, double g_min_us) {
  if (arch.readout.resistance() && g_min_us <= 0)
    throw config::ConfigError(arch.readout_params.where("summation"), "readout.summation",
                              "resistance summation needs cells with G_min > 0 (a finite off resistance)");
}

DriveLevels DriveLevels::of_chip(const mapping::Architecture& arch, const models::DacModel& dac,
                                 const models::CellModel& cell) {
  require_off_resistance(arch, cell.g_min_us());
  const double pulse = array_pulse_ns(arch, dac, cell);
  DriveLevels d = of(&dac, dac.bits(), arch.read_voltage_v, pulse);
  add_chain_energy(d, arch, pulse);
  return d;
}

}  // namespace cimsim::functional
