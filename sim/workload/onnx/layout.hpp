#pragma once
// Where the batch sits in a computed tensor. The network holds one sample per column; an ONNX
// tensor holds all of them along one axis, possibly merged with other dimensions by a reshape
// (attention merges the batch with the heads, a Gemm over a sequence with the positions). That
// axis is outer·N·inner long; one sample's elements, in the tensor's own C order, are the tensor
// at N = 1. Every operator that acts on each sample alone therefore computes, per sample, exactly
// what ONNX defines for a batch of one.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/workload/network.hpp"
#include "sim/workload/onnx/graph.hpp"

namespace cimsim::workload::onnx_import {

// An integer that may grow with the batch: coef·N + value.
struct SymDim {
  std::int64_t coef = 0, value = 0;
  bool symbolic() const { return coef != 0; }
};

// The elements of an integer tensor (a shape computed from Shape) as symbolic integers.
std::vector<SymDim> symbolic_values(const Tensor& t);

struct Layout {
  Dims dims;  // the tensor at N = 1: the batch axis holds outer·inner
  int axis = 0;
  std::int64_t outer = 1, inner = 1;

  // The shape of one sample: dims without the batch axis when it holds only the batch, dims as
  // they are when other dimensions share the axis.
  Shape sample() const;
  // dims with the batch axis as outer·inner·N.
  std::vector<SymDim> symbolic_dims() const;
};

// The layout of the tensor `in` reshaped to `target` (ONNX Reshape semantics: 0 copies the input
// dimension unless allow_zero, −1 takes what is left). Throws std::invalid_argument when the
// result would mix samples or fix the batch size.
Layout reshape(const Layout& in, const std::vector<SymDim>& target, bool allow_zero);

// A tensor the network computes: the layer that produces it (Layer::kNetworkInput for the input),
// its layout, and its quantization when a QuantizeLinear/DequantizeLinear pair put it on a grid.
struct Flow {
  int producer = Layer::kNetworkInput;
  Layout layout;
  std::optional<FixedQuant> quant;    // fake-quantized values on this grid
  std::optional<FixedQuant> pending;  // after QuantizeLinear (and Clip or Cast), before DequantizeLinear
};

}  // namespace cimsim::workload::onnx_import
