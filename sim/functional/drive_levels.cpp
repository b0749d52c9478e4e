#include "sim/functional/drive_levels.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/cells/cell_model.hpp"
#include "models/periphery/dac.hpp"
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

DriveLevels DriveLevels::amplitude(const mapping::ChipMap& chip) {
  return of(nullptr, chip.dac_bits, chip.arch.read_voltage_v, chip.arch.read_time_ns);
}

}  // namespace cimsim::functional
