#pragma once
// ADCs: the converters shared over an array's columns. The `adc` section holds what every type
// has (resolution, full-scale mode, sharing, energy and area model); each type (sar, flash …) is
// a registered model that adds its own timing and transfer behaviour.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/config/registry.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::models {

enum class FullScale { Max, Calibrated, Fixed };

// Settings every ADC type shares, read from the `adc` section.
struct AdcCommon {
  int bits = 8;
  FullScale full_scale = FullScale::Max;
  double fixed_full_scale_ua = 0;     // FullScale::Fixed
  double calibration_percentile = 0;  // FullScale::Calibrated, of |input|
  double calibration_time_s = 1;      // FullScale::Calibrated: measured this long after programming
  int columns_per_adc = 1;
  double energy_pj = 0;  // per conversion, from the energy model
  double area_um2 = 0;   // per ADC

  // Static and random errors, all in LSB of the input: x' = x·(1 + gain_error) + offset_lsb +
  // INL(x) + noise_lsb·ξ, then ideal rounding and clamping.
  double offset_lsb = 0;
  double gain_error = 0;
  std::vector<double> inl_lsb;  // spread evenly over the code range, interpolated; empty = none
  double noise_lsb = 0;
  bool ideal() const { return offset_lsb == 0 && gain_error == 0 && inl_lsb.empty() && noise_lsb == 0; }
  // INL at input x (LSB) for codes in [lo, hi]: linear interpolation of inl_lsb placed evenly from
  // lo to hi, held beyond. A table of hi − lo + 1 entries gives one value per code.
  double inl_at(double x, std::int32_t lo, std::int32_t hi) const;

  static AdcCommon from(const config::Params& adc);
};

class AdcModel {
 public:
  explicit AdcModel(const config::Params& adc) : common_(AdcCommon::from(adc)) {}
  virtual ~AdcModel() = default;

  const AdcCommon& common() const { return common_; }
  int bits() const { return common_.bits; }
  // Clock cycles of one conversion for types that count clock cycles (docs/design.md §5: SAR takes `bits`
  // cycles, flash one). A type timed in ns needs the clock: engines call conversion_cycles_at().
  virtual int conversion_cycles() const = 0;
  // Duration of one conversion at a digital clock of `clock_mhz`, ns.
  virtual double conversion_time_ns(double clock_mhz) const { return conversion_cycles() * 1e3 / clock_mhz; }
  // Whole clock cycles of one conversion at `clock_mhz` (an analog duration rounds up).
  int conversion_cycles_at(double clock_mhz) const;
  // Code of an input given in LSB units: round half away from zero, then clamp.
  std::int32_t ideal_code(double in_lsb, std::int32_t lo, std::int32_t hi) const;
  // Converts n inputs (in LSB units) to codes in [lo, hi]: ideal_code() of the input with the
  // common errors of AdcCommon applied. Noise draw i comes from `noise` at index first_index + i.
  // A type with a transfer of its own overrides this.
  virtual void convert(const double* in_lsb, std::size_t n, std::int32_t lo, std::int32_t hi,
                       const rng::Stream& noise, std::uint64_t first_index, std::int32_t* codes) const;

 private:
  AdcCommon common_;
};

using AdcRegistry = config::Registry<AdcModel>;

// Energy (pJ) and area (µm²) of a `bits` ADC by log-linear interpolation in a per-bit table,
// extrapolated along the nearest segment outside it.
double interpolate_log(const std::vector<std::int64_t>& bits, const std::vector<double>& values, int at);

}  // namespace cimsim::models
