#pragma once
// Arithmetic on constant tensors for constant folding: casts, element-wise operators with
// broadcasting (on integers that may be symbolic in the batch size), shape edits, and the
// quantization of weights. Errors go to `on_error`, which must throw.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/workload/onnx/graph.hpp"
#include "sim/workload/onnx/layout.hpp"

namespace cimsim::workload::onnx_import::fold_math {

using OnError = std::function<void(const std::string&)>;

SymDim multiply(SymDim a, SymDim b, const OnError& err);
// Casts in place to ONNX element type `to` (float to integer truncates toward zero, as C does).
void cast(Tensor& t, int to);
// Dims after Unsqueeze (insert 1s at `axes` of the output) or Squeeze (remove the size-1 `axes`,
// or every size-1 axis when none are given).
Dims squeeze_dims(const Dims& dims, const std::vector<std::int64_t>& axes, bool unsqueeze, const OnError& err);
// Dims of a constant reshaped to `target` (0 copies unless allow_zero, −1 takes the rest).
Dims reshape_constant(const Dims& dims, const std::vector<SymDim>& target, bool allow_zero, const OnError& err);
// Broadcasts `t` to `shape`. A symbolic dimension (the batch) makes a tensor with one copy per
// sample: that dimension is 1 at N = 1 and marked as the batch axis.
Tensor expand(const Tensor& t, const std::vector<SymDim>& shape, const OnError& err);
Tensor reduce_prod(const Tensor& t, const std::vector<std::int64_t>& axes, bool keepdims, const OnError& err);
// QuantizeLinear of float constants (round half to even, saturate to the zero point's type) and
// DequantizeLinear of integer constants (codes kept beside the values), read with Tensor::at()
// (they may still be the bytes of the file); `axis` for per-channel scales.
Tensor quantize(const Tensor& x, const Tensor& scale, const Tensor* zero, int axis, const OnError& err);
Tensor dequantize(const Tensor& x, const Tensor& scale, const Tensor* zero, int axis, const OnError& err);
// Element-wise operators (absent inputs are nullptr); std::nullopt for an operator it does not know.
// `c_fmod` is Mod's fmod attribute: the remainder takes the dividend's sign (C's fmod), otherwise
// the divisor's (Python's %), which ONNX allows for integers only.
std::optional<Tensor> elementwise(const std::string& op, const std::vector<const Tensor*>& args, const OnError& err,
                                  bool c_fmod = false);

}  // namespace cimsim::workload::onnx_import::fold_math
