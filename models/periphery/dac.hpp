#pragma once
// Row drivers. A DAC turns an input slice u ∈ [0, 2^bits−1] into a drive of its word line for one
// read. `voltage` codes u in the amplitude, V = u/(2^bits−1)·V_read for the whole read (1 bit is
// bit-serial input); `pulse_width` codes it in time, V_read for u unit pulses. Either way the
// charge a device passes is proportional to u·G, so the functional result is the same; energy,
// timing and anything non-linear in V (I–V non-linearity) differ, and are given per level here.

#include <memory>

#include "sim/config/registry.hpp"

namespace cimsim::models {

class DacModel {
 public:
  explicit DacModel(const config::Params& p)
      : bits_(static_cast<int>(p.integer("bits"))), power_uw_(p.real("power_uw")), area_um2_(p.real("area_um2")) {}
  virtual ~DacModel() = default;

  int bits() const { return bits_; }
  int max_level() const { return (1 << bits_) - 1; }
  double power_uw() const { return power_uw_; }
  double area_um2() const { return area_um2_; }

  // Voltage on a row driven at level u (0 … max_level) when the top level drives v_read.
  virtual double row_voltage_v(int level, double v_read) const { return level * v_read / max_level(); }
  // How long that voltage is applied within a read whose array settles in read_time_ns.
  virtual double row_drive_ns(int level, double read_time_ns) const {
    (void)level;
    return read_time_ns;
  }
  // How long one read's drive lasts (the longest row_drive_ns): the array read time the timing
  // engine must use.
  virtual double drive_time_ns(double read_time_ns) const { return read_time_ns; }
  // Energy of one row's driver for one read at level u.
  virtual double drive_energy_pj(int level, double read_time_ns) const {
    (void)level;
    return power_uw_ * read_time_ns * 1e-3;
  }
  // Energy of driving one row for one read when the level is not known: the top level's (equal
  // for every level of a voltage driver, an upper bound for a pulse-width one).
  double energy_per_drive_pj(double read_time_ns) const { return drive_energy_pj(max_level(), read_time_ns); }
  // V(u)²·t(u) in V²·ns: a read's cell energy in fJ is Σ_rows cell_energy_weight(u_i)·Σ_cols G_ij
  // with G in µS.
  double cell_energy_weight(int level, double v_read, double read_time_ns) const {
    const double v = row_voltage_v(level, v_read);
    return v * v * row_drive_ns(level, read_time_ns);
  }

 private:
  int bits_;
  double power_uw_, area_um2_;
};

using DacRegistry = config::Registry<DacModel>;

}  // namespace cimsim::models
