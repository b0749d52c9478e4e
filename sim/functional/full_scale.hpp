#pragma once
// The ADC's full scale for every conversion (docs/design.md §4): `max` (what the column can reach),
// `calibrated` (a percentile of a calibration batch per layer, input slice and weight slice) or
// `fixed` (a given current). Values are in the crossbar's current unit I_u = ΔG·V_read/(2^db−1).

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "models/periphery/adc.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

struct ConversionScale {
  double lsb = 1;
  std::int32_t lo = 0, hi = 0;  // code range
};

// Whether the ADC input is a signed difference (analog pairs) or one column's current.
inline bool signed_readout(const mapping::Architecture& a) { return a.analog_pairs(); }
// Whether the G_min current still rides on the ADC input (removed digitally after conversion).
inline bool offset_in_readout(const mapping::Architecture& a) {
  return !a.analog_pairs() && a.gmin_removal == mapping::GminRemoval::Digital;
}

// Calibration values: (layer map, input slice, weight slice) -> full scale.
using CalibrationTable = std::map<std::tuple<int, int, int>, double>;

class FullScalePlan {
 public:
  FullScalePlan(const mapping::ChipMap& chip, const models::AdcCommon& adc, double g_min_norm, double current_unit_ua,
                CalibrationTable calibrated = {});

  ConversionScale scale(int layer_map, int rows_in_read, int input_slice, int weight_slice) const;
  // The largest value a conversion can see with `rows` active rows in input slice `s`.
  double max_input(int layer_map, int rows, int input_slice) const;

 private:
  const mapping::ChipMap& chip_;
  models::AdcCommon adc_;
  double g_min_norm_;
  double current_unit_ua_;
  CalibrationTable calibrated_;
};

// The fewest ADC bits with which `max` full scale converts every value exactly (ideal cells).
int lossless_adc_bits(const mapping::ChipMap& chip, double g_min_norm);

}  // namespace cimsim::functional
