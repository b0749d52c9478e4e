#pragma once
// ADCs: the converters shared over an array's columns. The `adc` section holds what every type
// has (resolution, full-scale mode, sharing, energy and area model); each type (sar, flash …) is
// a registered model that adds its own timing and transfer behaviour.

#include <cstdint>
#include <memory>
#include <string>

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
  int columns_per_adc = 1;
  double energy_pj = 0;  // per conversion, from the energy model
  double area_um2 = 0;   // per ADC

  static AdcCommon from(const config::Params& adc);
};

class AdcModel {
 public:
  explicit AdcModel(const config::Params& adc) : common_(AdcCommon::from(adc)) {}
  virtual ~AdcModel() = default;

  const AdcCommon& common() const { return common_; }
  int bits() const { return common_.bits; }
  // Clock cycles of one conversion (DESIGN §5: SAR takes `bits` cycles, flash one).
  virtual int conversion_cycles() const = 0;
  // Code of an input given in LSB units: round half away from zero, then clamp.
  std::int32_t ideal_code(double in_lsb, std::int32_t lo, std::int32_t hi) const;
  // Converts n inputs (in LSB units) to codes in [lo, hi]. The ideal converter is ideal_code();
  // models with offset, gain error, INL or noise override this. A model that draws noise takes
  // draw i from `noise` at index first_index + i.
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
