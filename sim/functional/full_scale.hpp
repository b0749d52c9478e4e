#pragma once
// The ADC's full scale for every conversion (docs/design.md §4): `max` (what the column can reach),
// `calibrated` (a percentile of a calibration batch per layer, input slice and weight slice) or
// `fixed` (a given current). Values are in the crossbar's current unit I_u = ΔG·V_read/(2^db−1).

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "models/periphery/adc.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

struct ConversionScale {
  double lsb = 1;
  std::int32_t lo = 0, hi = 0;  // code range
};

// Whether the G_min current still rides on the ADC input (removed digitally after conversion).
inline bool offset_in_readout(const mapping::Architecture& a) {
  return !a.analog_pairs() && a.gmin_removal == mapping::GminRemoval::Digital;
}

// Calibration values: (layer map, slice group, weight slice of the conversion's first readout) ->
// full scale. Without analog accumulation a slice group is one input slice.
using CalibrationTable = std::map<std::tuple<int, int, int>, double>;

class FullScalePlan {
 public:
  FullScalePlan(const mapping::ChipMap& chip, const models::AdcCommon& adc, double g_min_norm, double current_unit_ua,
                CalibrationTable calibrated = {});

  // Scale of a conversion of slice group `slice_group` whose first readout is in weight slice
  // `weight_slice`, at the layer's ADC bits (signed where mapping::signed_conversion says).
  ConversionScale scale(int layer_map, int rows_in_read, int slice_group, int weight_slice) const;
  // The largest value a conversion can see with `rows` active rows: rows × the group's input
  // levels × the conversion's digit weight × (2^cb − 1 + the G_min offset riding on it).
  double max_input(int layer_map, int rows, int slice_group) const;

 private:
  const mapping::ChipMap& chip_;
  models::AdcCommon adc_;
  double g_min_norm_;
  double current_unit_ua_;
  CalibrationTable calibrated_;
};

// FullScalePlan::scale for the conversions of one layer's reads of `rows_in_read` rows, each
// (slice group, weight slice) worked out once: the engine converts every readout of every slice
// with one of a few dozen scales.
class ReadScales {
 public:
  ReadScales(const FullScalePlan& plan, int layer_map) : plan_(plan), layer_map_(layer_map) {}
  void set_rows(int rows_in_read) {
    if (rows_in_read == rows_) return;
    rows_ = rows_in_read;
    for (auto& by_weight_slice : scales_) by_weight_slice.assign(by_weight_slice.size(), std::nullopt);
  }
  const ConversionScale& of(int slice_group, int weight_slice) {
    const auto sg = static_cast<std::size_t>(slice_group), ws = static_cast<std::size_t>(weight_slice);
    if (sg >= scales_.size()) scales_.resize(sg + 1);
    if (ws >= scales_[sg].size()) scales_[sg].resize(ws + 1);
    std::optional<ConversionScale>& scale = scales_[sg][ws];
    if (!scale) scale = plan_.scale(layer_map_, rows_, slice_group, weight_slice);
    return *scale;
  }

 private:
  const FullScalePlan& plan_;
  int layer_map_;
  int rows_ = -1;
  std::vector<std::vector<std::optional<ConversionScale>>> scales_;  // [slice group][weight slice]
};

// The fewest ADC bits with which `max` full scale converts every value exactly (ideal cells).
int lossless_adc_bits(const mapping::ChipMap& chip, double g_min_norm);

}  // namespace cimsim::functional
