#pragma once
// Row drivers. A DAC turns an input slice u ∈ [0, 2^bits−1] into V = u/(2^bits−1)·V_read on its
// word line and holds it for the array's read time.

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
  // Energy of driving one row for one read lasting `read_time_ns`.
  virtual double energy_per_drive_pj(double read_time_ns) const { return power_uw_ * read_time_ns * 1e-3; }
  double area_um2() const { return area_um2_; }

 private:
  int bits_;
  double power_uw_, area_um2_;
};

using DacRegistry = config::Registry<DacModel>;

}  // namespace cimsim::models
