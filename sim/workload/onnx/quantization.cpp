// QuantizeLinear → [Clip] → [Cast] → DequantizeLinear on computed tensors, as PyTorch exports
// them: fake-quantization (QAT, whose Clip narrows the code range: 7-bit activations are
// uint8 clipped to [0, 127], 4-bit ones to [0, 15]) and eager post-training quantization (a Cast
// between the pair). The pair puts its tensor on a grid of integer codes; a matrix layer that
// reads it takes those codes as its input (at the width the code range gives), other readers
// see the values rounded onto the grid, as ONNX computes them. Constant weights go through the
// same nodes by constant folding (constants.cpp).

#include <onnx/onnx_pb.h>

#include <cmath>

#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

namespace {

// Code range of an ONNX integer type used for quantized activations.
bool code_range(int dtype, std::int32_t& lo, std::int32_t& hi) {
  switch (dtype) {
    case onnx::TensorProto::UINT8: lo = 0; hi = 255; return true;
    case onnx::TensorProto::INT8: lo = -128; hi = 127; return true;
    case onnx::TensorProto::UINT16: lo = 0; hi = 65535; return true;
    case onnx::TensorProto::INT16: lo = -32768; hi = 32767; return true;
    default: return false;
  }
}

}  // namespace

FixedQuant Importer::quantizer(const Node& n) const {
  const Tensor& scale = need_constant(n, 1, "scale");
  const Tensor* zero = present(n, 2) ? &need_constant(n, 2, "zero point") : nullptr;
  if (scale.size() != 1 || (zero && zero->size() != 1))
    fail(n, "per-channel quantization of computed tensors is not supported (one scale and one zero point expected, got " +
                std::to_string(scale.size()) + " and " + std::to_string(zero ? zero->size() : 1) + ")");
  FixedQuant q;
  q.scale = scale.values[0];
  if (!(q.scale > 0) || !std::isfinite(q.scale)) fail(n, "the scale " + std::to_string(q.scale) + " must be positive and finite");
  const int dtype = zero ? zero->dtype : onnx::TensorProto::UINT8;
  if (!code_range(dtype, q.q_min, q.q_max)) fail(n, "quantizes to " + dtype_name(dtype) + "; 8- and 16-bit integers are supported");
  const double z = zero ? zero->values[0] : 0.0;
  if (z < q.q_min || z > q.q_max) fail(n, "the zero point " + std::to_string(z) + " lies outside " + dtype_name(dtype));
  q.zero_point = static_cast<std::int32_t>(z);
  return q;
}

void Importer::quantize(const Node& n) {
  Flow x = need_flow(n, 0, "x");
  x.pending = quantizer(n);
  set_flow(n.outputs.front(), x);
}

void Importer::quant_chain(const Node& n) {
  Flow x = *flow(n.inputs[0]);
  FixedQuant& q = *x.pending;
  if (n.op == "Clip") {
    // Narrows the codes: [0, 127] for PyTorch's 7-bit activations, [0, 15] for 4 bits.
    double lo = q.q_min, hi = q.q_max;
    if (opset() >= 11) {
      if (present(n, 1)) lo = need_constant(n, 1, "min").values.at(0);
      if (present(n, 2)) hi = need_constant(n, 2, "max").values.at(0);
    } else {
      lo = float_attr(n, "min", lo);
      hi = float_attr(n, "max", hi);
    }
    if (lo != std::floor(lo) || hi != std::floor(hi)) fail(n, "clips quantized codes to a bound that is not an integer");
    q.q_min = static_cast<std::int32_t>(std::max<double>(q.q_min, lo));
    q.q_max = static_cast<std::int32_t>(std::min<double>(q.q_max, hi));
    if (q.q_min > q.q_max) fail(n, "clips the codes to an empty range");
    if (q.zero_point < q.q_min || q.zero_point > q.q_max) fail(n, "clips the codes to a range without the zero point");
  } else {
    const auto to = static_cast<int>(int_attr(n, "to", 0, 0, 64));
    std::int32_t lo = 0, hi = 0;
    if (!code_range(to, lo, hi)) fail_attribute(n, "to", "casts quantized codes to " + dtype_name(to));
    if (lo > q.q_min || hi < q.q_max) fail_attribute(n, "to", "casts codes in [" + std::to_string(q.q_min) + ", " +
                                                                   std::to_string(q.q_max) + "] to " + dtype_name(to) + ", which cannot hold them");
  }
  set_flow(n.outputs.front(), x);
}

void Importer::dequantize(const Node& n) {
  const Flow* in = present(n, 0) ? flow(n.inputs[0]) : nullptr;
  if (!in || !in->pending) fail(n, "must follow a QuantizeLinear of a computed tensor");
  Flow x = *in;
  FixedQuant q = quantizer(n);
  if (q.scale != x.pending->scale || q.zero_point != x.pending->zero_point)
    fail(n, "scale or zero point differ from its QuantizeLinear's");
  q.q_min = x.pending->q_min;
  q.q_max = x.pending->q_max;
  x.quant = q;
  x.pending.reset();
  // Matrix layers that read the pair take its codes as their input; anything else reads it
  // through an identity layer that rounds onto the grid, so that other readers of the original
  // tensor still see it unrounded.
  const std::string& out = n.outputs.front();
  bool only_matrix = reader_count(out) == static_cast<int>(consumers_of(out).size());
  for (const Node* c : consumers_of(out)) {
    const bool weights_known = c->inputs.size() > 1 && (weight_constant(c->inputs[1]) || c->op == "Conv" || c->op == "Gemm");
    only_matrix = only_matrix && (c->op == "Conv" || c->op == "Gemm" || c->op == "MatMul") && c->inputs[0] == out &&
                  weights_known;
  }
  if (only_matrix) {
    set_flow(out, x);
    return;
  }
  Layer layer;
  layer.op = Op::Identity;
  layer.output_quant = q;
  Flow unrounded = x;
  unrounded.quant.reset();
  add_layer(std::move(layer), n, {&unrounded}, out, x.layout);
  flow(out)->quant = q;
}

}  // namespace cimsim::workload::onnx_import
