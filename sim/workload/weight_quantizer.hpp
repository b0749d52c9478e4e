#pragma once
// Weight codes and scales of one matrix layer (quantize.cpp's weight half): symmetric codes from
// the float weights or from weights left in the model file, binary weights, or a QDQ model's own
// integer codes. Internal to the library: not installed.

#include "sim/workload/quantize.hpp"

namespace cimsim::workload {

// Symmetric weights at ql.weight_bits (1: binary), scales per channel or per tensor; the codes
// only when `codes` (QuantizeOptions::weight_codes), otherwise what codes_nonzero() needs.
void quantize_weights(QuantLayer& ql, const Layer& layer, bool per_channel, bool codes);

// A QDQ model's integer weights, kept as they are, at the narrowest symmetric width that holds them.
void take_weight_codes(QuantLayer& ql, const Layer& layer);

}  // namespace cimsim::workload
