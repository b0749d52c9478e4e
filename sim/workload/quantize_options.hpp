#pragma once
// What quantize() builds beyond the scales and input ranges (quantize.hpp).

#include "sim/workload/quantize.hpp"

namespace cimsim::workload {

struct QuantizeOptions {
  // Every MatMul of two activations gets a written layer (mapping.activation_products: arrays).
  bool products_on_arrays = false;
  // The integer weight codes (QuantLayer::w, w_row_sums). An estimate that programs nothing and
  // prices no writes needs only the scales: without codes QuantLayer::w stays empty (0 × 0), and
  // the mapping tells an all-zero block from the float weights and scales, with the same rounding
  // (codes_nonzero). VGG-16's codes are 553 MB.
  bool weight_codes = true;
  // Every matrix layer's input scale from the calibration batch. Without, an estimate learns only
  // whether each input goes negative, which is what its mapping and costs depend on: where the
  // graph proves an input never does (sign_analysis.hpp) no float pass over the calibration batch
  // is run, and that input's scale is left as for an all-zero batch (1 / the largest code).
  bool input_scales = true;
};

QuantizedNetwork quantize(const Network& net, const Dataset& calibration, const config::Params& quant,
                          const QuantizeOptions& options);

// Whether a layer's codes were left out (QuantizeOptions::weight_codes): no codes, and not a
// product written per input (whose codes come with each input).
inline bool codes_omitted(const QuantLayer& q) { return q.w.size() == 0 && !q.written; }

// Whether any weight of rows [out_begin, out_begin + outs) and inputs [row_begin, row_begin + rows)
// of `layer` quantizes to a non-zero code under `q`'s scales, computed as quantize() rounds: from
// the codes, the bits of weights left in the file, or the float weights.
bool codes_nonzero(const QuantLayer& q, const Layer& layer, int row_begin, int rows, int out_begin, int outs);

}  // namespace cimsim::workload
