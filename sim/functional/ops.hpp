#pragma once
// The tensor operations between arrays, on batches of per-sample tensors (one column per sample,
// (channels, height, width) in C order): lowering a convolution to matrix form, and the digital
// layers (pooling, residual add, concatenation). Each digital op also reports the integer work a
// tile's digital unit does for it, per sample.

#include <Eigen/Dense>

#include <cstdint>

#include "sim/mapping/mapping.hpp"
#include "sim/workload/network.hpp"

namespace cimsim::functional {

using Batch = Eigen::MatrixXf;

// im2col: one column per (sample, output pixel), sample-major; pads are `pad_value`.
Batch lower_conv_input(const workload::Layer& conv, const Batch& input, float pad_value = 0.0f);
// The same for input codes (what the rows are driven with): each code is quantized once, not once
// per window that reads it; pads are `pad_code`, the code of a zero input.
Eigen::MatrixXi lower_conv_codes(const workload::Layer& conv, const Eigen::MatrixXi& codes, std::int32_t pad_code);
// Inverse reshaping of the lowered product: (out channels × samples·pixels) -> per-sample tensors.
Batch raise_conv_output(const workload::Layer& conv, const Batch& lowered, Eigen::Index samples);
// Any matrix layer: its input vectors, one column per (sample, vector), sample-major (im2col for
// a convolution, one column per position for a per-position dense layer, the input itself for a
// dense layer), and the inverse reshaping of the product.
Batch lower_input(const workload::Layer& l, const Batch& input, float pad_value = 0.0f);
Batch raise_output(const workload::Layer& l, const Batch& lowered, Eigen::Index samples);

// A digital layer's output for a batch of inputs (one batch per producer).
Batch digital_forward(const workload::Layer& layer, const std::vector<const Batch*>& inputs);

// The digital unit's work per sample: compares for max pooling; adds for average pooling and a
// multiply per output for the 1/n scale; adds for residual adds and a multiply per output to
// requantize the sum; a digital operator's own cost (models/operators). Concatenation and
// flattening only move data.
mapping::DigitalWork digital_work(const workload::Layer& layer, const std::vector<workload::Shape>& input_shapes);
// The same count from the layer's sizes alone, for networks known by their shapes only: a window of
// `window_elements` (pooling), `operands` inputs (add, concat), `activation` after an identity.
mapping::DigitalWork digital_work(workload::Op op, std::int64_t window_elements, std::int64_t in_elements,
                                  std::int64_t out_elements, int operands,
                                  workload::Activation::Kind activation = workload::Activation::Kind::None);

}  // namespace cimsim::functional
