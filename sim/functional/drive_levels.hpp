#pragma once
// What one DAC level does to a row during a read, per level u = 0 … 2^db − 1: the charge it
// passes through a device (linear in G), the extra charge through the I–V non-linear terms, the
// cell energy weight V²·t and the driver's energy. Currents in the functional engine are in units
// of the charge level 1 passes through ΔG, so the linear term is exactly u for every shipped DAC.

#include <vector>

namespace cimsim::models {
class CellModel;
class DacModel;
}

namespace cimsim::mapping {
struct ChipMap;
struct Architecture;
}

namespace cimsim::functional {

struct DriveLevels {
  std::vector<double> nl2;        // V(u)²·t(u) / (V(1)·t(1)), volts: multiplies NL2/ΔG (1/V)
  std::vector<double> nl3;        // V(u)³·t(u) / (V(1)·t(1)), volts²: multiplies NL3/ΔG (1/V²)
  std::vector<double> cell_pj_per_us;  // V(u)²·t(u) in pJ per µS of conductance
  // Resistance summation: I_read²·t per kΩ of a cell in the chain, pJ (0 at level 0: bypassed);
  // empty under current summation.
  std::vector<double> cell_pj_per_kohm;
  std::vector<double> dac_pj;     // one row driver's energy for one read at level u
  bool nl_linear = true;          // nl2 and nl3 proportional to u: non-linearity folds into G

  int levels() const { return static_cast<int>(dac_pj.size()); }
  // From the DAC model; nullptr means an amplitude driver with the given power per drive.
  static DriveLevels of(const models::DacModel* dac, int dac_bits, double v_read, double read_time_ns,
                        double dac_energy_pj = 0);
  // An amplitude driver for a mapped chip's DAC width, read voltage and read pulse, energy not counted.
  static DriveLevels amplitude(const mapping::ChipMap& chip);
  // The drive a run uses: the DAC's levels over the read pulse (array.read_pulse_ns, or the whole
  // read as array_read_ns times it) and, under resistance summation, the chain's I²·t per cell.
  static DriveLevels of_chip(const mapping::Architecture& arch, const models::DacModel& dac,
                             const models::CellModel& cell);
};

// How long an array read lasts: as long as the DAC drives its rows (pulse-width inputs stretch it),
// and no shorter than the device's own read latency.
double array_read_ns(const models::DacModel& dac, const models::CellModel& cell, double array_read_time_ns);
// Resistance summation reads a chain against R_off = 1/G_min: fails at readout.summation when the
// cells have no finite off resistance (G_min ≤ 0).
void require_off_resistance(const mapping::Architecture& arch, double g_min_us);
// How long the rows conduct within that read: array.read_pulse_ns when given, else the whole read.
double array_pulse_ns(const mapping::Architecture& arch, const models::DacModel& dac, const models::CellModel& cell);

}  // namespace cimsim::functional
