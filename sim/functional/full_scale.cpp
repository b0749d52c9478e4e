#include "sim/functional/full_scale.hpp"

#include <cmath>

namespace cimsim::functional {

FullScalePlan::FullScalePlan(const mapping::ChipMap& chip, const models::AdcCommon& adc, double g_min_norm,
                             double current_unit_ua, CalibrationTable calibrated)
    : chip_(chip), adc_(adc), g_min_norm_(g_min_norm), current_unit_ua_(current_unit_ua),
      calibrated_(std::move(calibrated)) {}

double FullScalePlan::max_input(int layer_map, int rows, int slice_group) const {
  const mapping::LayerMap& lm = chip_.layers[static_cast<std::size_t>(layer_map)];
  const double d_max = (1 << chip_.arch.bits_per_cell) - 1;
  const double offset = offset_in_readout(chip_.arch) ? g_min_norm_ : 0.0;
  return rows * mapping::slice_group_levels(lm, slice_group) * mapping::conversion_digit_weight(chip_.arch, lm) *
         (d_max + offset);
}

ConversionScale FullScalePlan::scale(int layer_map, int rows_in_read, int slice_group, int weight_slice) const {
  const mapping::LayerMap& lm = chip_.layers[static_cast<std::size_t>(layer_map)];
  double fs = 0;
  switch (adc_.full_scale) {
    case models::FullScale::Max: fs = max_input(layer_map, rows_in_read, slice_group); break;
    case models::FullScale::Fixed: fs = adc_.fixed_full_scale_ua / current_unit_ua_; break;
    case models::FullScale::Calibrated: {
      auto it = calibrated_.find({layer_map, slice_group, weight_slice});
      fs = it != calibrated_.end() ? it->second : 0.0;
      // A slice that never conducted in calibration keeps the lossless range.
      if (fs <= 0) fs = max_input(layer_map, rows_in_read, slice_group);
      break;
    }
  }
  if (fs <= 0) fs = 1;  // a slice whose inputs can only be zero
  ConversionScale c;
  const int bits = lm.group_resolution(slice_group, adc_.bits);
  if (mapping::signed_conversion(chip_.arch, lm)) {
    c.hi = (1 << (bits - 1)) - 1;
    c.lo = -c.hi;
  } else {
    c.hi = (1 << bits) - 1;
    c.lo = 0;
  }
  c.lsb = fs / c.hi;
  return c;
}

int lossless_adc_bits(const mapping::ChipMap& chip, double g_min_norm) {
  const double d_max = (1 << chip.arch.bits_per_cell) - 1;
  // Integer inputs convert exactly once LSB <= 1. When a fractional G_min offset rides on them the
  // rounding can land half an LSB off, so those need LSB <= 1/2.
  const bool fractional = offset_in_readout(chip.arch) && g_min_norm != std::floor(g_min_norm);
  const double offset = offset_in_readout(chip.arch) ? g_min_norm : 0.0;
  int bits = 1;
  for (const auto& lm : chip.layers) {
    if (lm.kind != mapping::LayerMap::Kind::Matrix) continue;
    // The most rows one read drives: a read never spans more rows than the layer has inputs.
    const int per_read = chip.arch.rows_per_read > 0 ? std::min(chip.arch.rows_per_read, chip.arch.rows) : chip.arch.rows;
    const int rows = static_cast<int>(std::min<std::int64_t>(per_read, lm.in));
    double worst = 0;
    for (int g = 0; g < static_cast<int>(lm.slice_groups.size()); ++g)
      worst = std::max(worst, rows * mapping::slice_group_levels(lm, g) * mapping::conversion_digit_weight(chip.arch, lm) *
                                  (d_max + offset));
    const double needed = fractional ? 2 * worst : worst;
    const int sign_bit = mapping::signed_conversion(chip.arch, lm) ? 1 : 0;
    int b = 1 + sign_bit;
    while (b < 31 && std::ldexp(1.0, b - sign_bit) - 1 < needed) ++b;
    bits = std::max(bits, b);
  }
  return bits;
}

}  // namespace cimsim::functional
