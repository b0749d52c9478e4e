#pragma once
// ADCs: the converters shared over an array's columns. The `adc` section holds what every type
// has (resolution, full-scale mode, sharing, timing, energy and area model); each type (sar, flash,
// ramp …) is a registered model that adds how its conversion time and its circuit cost scale with
// the bits it resolves (docs/energy-area.md, "ADCs").

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/registry.hpp"
#include "sim/util/rng.hpp"
#include "sim/util/rounding.hpp"

namespace cimsim::models {

struct Tech;

enum class FullScale { Max, Calibrated, Fixed };

// Settings every ADC type shares, read from the `adc` section.
struct AdcCommon {
  int bits = 8;
  FullScale full_scale = FullScale::Max;
  double fixed_full_scale_ua = 0;     // FullScale::Fixed
  double calibration_percentile = 0;  // FullScale::Calibrated, of |input|
  double calibration_time_s = 1;      // FullScale::Calibrated: measured this long after programming
  int columns_per_adc = 1;
  // One conversion at `bits`, ns; empty: the type's steps, each one clock cycle.
  std::optional<double> conversion_time_ns;

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

// The ideal transfer of an input given in LSB units: round half away from zero, then clamp to
// [lo, hi]. The code as a double (a whole number, exact), for loops that go on to scale it.
inline double ideal_level(double in_lsb, double lo, double hi) {
  return std::min(std::max(util::round_half_away(in_lsb), lo), hi);
}

// Energy of one conversion and area of one converter.
struct AdcCost {
  double energy_pj = 0;
  double area_um2 = 0;
};

class AdcModel {
 public:
  explicit AdcModel(const config::Params& adc);
  virtual ~AdcModel() = default;

  const AdcCommon& common() const { return common_; }
  // The resolution the converters are built for; a layer may resolve fewer (adc.layers).
  int bits() const { return common_.bits; }
  const config::Params& params() const { return params_; }

  // Steps of one conversion at `bits`: SAR one per bit, flash one, ramp 2^bits (docs/design.md §5).
  virtual int steps(int bits) const = 0;
  // One step, ns: adc.conversion_time_ns spread over the steps of a conversion at adc.bits, or one
  // cycle of a `clock_mhz` clock.
  virtual double step_ns(double clock_mhz) const;
  // The key that times a conversion in ns, or nullptr when the clock alone times it.
  virtual const char* ns_timing_key() const { return common_.conversion_time_ns ? "conversion_time_ns" : nullptr; }
  // One conversion at `bits`, ns, independent of the clock when the type is timed in ns.
  double conversion_time_ns(double clock_mhz, int bits) const { return steps(bits) * step_ns(clock_mhz); }
  double conversion_time_ns(double clock_mhz) const { return conversion_time_ns(clock_mhz, bits()); }
  // Whole clock cycles of one conversion at `clock_mhz` (an analog duration rounds up).
  int conversion_cycles_at(double clock_mhz) const;
  // Cycles of one conversion for a type timed by the clock alone; a type timed in ns fails (the
  // engines call conversion_time_ns with the clock).
  int conversion_cycles() const;

  // Energy per conversion and area of one converter resolving `bits` at the technology `tech`,
  // from adc.energy_model (docs/energy-area.md). A table fails outside table_bits unless
  // adc.table_extrapolation allows it.
  AdcCost cost(int bits, const Tech& tech) const;
  // The energy model in use: table, fom or circuit (auto resolved by type).
  const std::string& energy_model() const { return energy_model_; }

  // Code of an input given in LSB units: round half away from zero, then clamp.
  std::int32_t ideal_code(double in_lsb, std::int32_t lo, std::int32_t hi) const;
  // Converts n inputs (in LSB units) to codes in [lo, hi]: ideal_code() of the input with the
  // common errors of AdcCommon applied. Noise draw i comes from `noise` at index first_index + i.
  // A type with a transfer of its own overrides this.
  virtual void convert(const double* in_lsb, std::size_t n, std::int32_t lo, std::int32_t hi,
                       const rng::Stream& noise, std::uint64_t first_index, std::int32_t* codes) const;
  // Whether convert() gives ideal_code() of each input (no errors), so that a caller may apply
  // ideal_level() itself inside a loop of its own. A type that overrides convert() overrides this.
  virtual bool ideal_transfer() const { return common_.ideal(); }

 protected:
  // `energy_model: circuit`: the type's converter built from comparators, capacitors, counters
  // and logic at the node (models/periphery/adc_circuits.hpp).
  virtual AdcCost circuit_cost(int bits, const Tech& tech) const = 0;
  // What `energy_model: auto` means for this type.
  virtual const char* auto_energy_model() const = 0;

 private:
  template <class T>
  friend std::unique_ptr<AdcModel> make_adc(const config::Params& p);
  // Resolves `auto` and checks the energy keys against the model in use (after construction:
  // it asks the type).
  void resolve_energy_model();

  AdcCost table_cost(int bits, const Tech& tech) const;

  config::Params params_;
  AdcCommon common_;
  std::string energy_model_;
};

using AdcRegistry = config::Registry<AdcModel>;

// Builds a registered ADC type from its validated section.
template <class T>
std::unique_ptr<AdcModel> make_adc(const config::Params& p) {
  auto adc = std::make_unique<T>(p);
  adc->resolve_energy_model();
  return adc;
}

// Energy (pJ) and area (µm²) of a `bits` ADC by log-linear interpolation in a per-bit table,
// extrapolated along the nearest segment outside it.
double interpolate_log(const std::vector<std::int64_t>& bits, const std::vector<double>& values, int at);

}  // namespace cimsim::models
