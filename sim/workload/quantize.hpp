#pragma once
// Quantization (docs/design.md §4): weights to signed integers of `weight_bits` with the symmetric range
// ±(2^(wb−1)−1); layer inputs to `activation_bits` codes, unsigned when the calibration batch
// never goes negative, two's complement otherwise. Floats come back through the scales and the
// bias in the digital periphery.

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/config/params.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/network.hpp"
#include "sim/workload/weight_codes.hpp"

namespace cimsim::workload {

struct QuantLayer {
  int layer = -1;  // index in Network::layers
  int weight_bits = 8;
  int activation_bits = 8;
  WeightCodes w;            // out × in
  Eigen::VectorXd w_scale;  // float weight per integer step, per output
  bool input_signed = false;
  double input_scale = 1.0;  // float input per code step
  std::int32_t input_min = 0, input_max = 255;
  std::int32_t input_zero_point = 0;  // codes are x/scale + zero_point (QDQ models)
  bool round_half_even = false;       // QDQ models round as ONNX QuantizeLinear does
  Eigen::VectorXd w_row_sums;         // Σ_i w(o, i): removes the zero point digitally
  // Without codes (QuantizeOptions::weight_codes) for weights left in the model file: bit
  // o · in + i says whether w(o, i) quantizes to a non-zero code (quantize_options.hpp).
  std::vector<std::uint64_t> nonzero_bits;
  // A product of two activations on arrays (mapping.activation_products: arrays): `w` is empty
  // here; every input fills it with its second operand's codes at operand_scale (float per code
  // step, one per tensor) and writes them into the layer's arrays.
  bool written = false;
  double operand_scale = 1.0;

  // The largest weight magnitude: 2^(wb−1) − 1, or 1 for binary (wb = 1) weights.
  std::int32_t weight_max() const { return weight_bits == 1 ? 1 : (1 << (weight_bits - 1)) - 1; }
};

struct QuantizedNetwork {
  const Network* net = nullptr;
  int activation_bits = 8;         // the network-wide setting (digital layers move data this wide)
  std::vector<QuantLayer> layers;  // one per matrix layer, in network order
  std::vector<int> index;          // network layer -> position in `layers`, −1 if not a matrix layer
  bool products_on_arrays = false;  // products of two activations have layers here (written)

  const QuantLayer& of(int layer) const { return layers.at(static_cast<std::size_t>(index.at(layer))); }
};

// Input code of a float under a layer's input quantizer: round (half away from zero, or half to
// even for QDQ models), add the zero point, clamp.
inline std::int32_t quantize_input(float x, const QuantLayer& q) {
  const double v = static_cast<double>(x) / q.input_scale;
  const double c = (q.round_half_even ? std::nearbyint(v) : std::round(v)) + q.input_zero_point;
  return static_cast<std::int32_t>(std::clamp<double>(c, q.input_min, q.input_max));
}

// `quant` is the validated `quantization` section; activation ranges come from `calibration`.
// With `products_on_arrays` every MatMul of two activations gets a written layer: its first operand
// calibrated like a matrix layer's input, its second operand's per-tensor scale from the largest
// magnitude (or the percentile) it reaches over the calibration batch.
QuantizedNetwork quantize(const Network& net, const Dataset& calibration, const config::Params& quant,
                          bool products_on_arrays = false);

}  // namespace cimsim::workload
