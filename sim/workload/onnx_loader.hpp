#pragma once
// Networks from ONNX, the format PyTorch exports. Supported operators: Conv (padding, stride,
// dilation, groups including depthwise), Gemm, MatMul, Relu, Clip, MaxPool, AveragePool,
// GlobalAveragePool, Add, Concat, BatchNormalization (folded into the preceding layer), Flatten,
// Reshape (to a flat vector), Softmax (ignored: the argmax does not change), Identity, Dropout,
// Constant, and QuantizeLinear/DequantizeLinear pairs: a QDQ model keeps its own scales and zero
// points, its integer weights, and ONNX's rounding (half to even).

#include <string>

#include "sim/workload/network.hpp"

namespace cimsim::workload {

// An unsupported operator is an error naming the node, the operator and the supported list; a
// malformed file is an error naming the file (config::InputError, status 2 at the CLI).
Network load_onnx(const std::string& path);

// The operators load_onnx accepts, for messages and documentation.
const std::vector<std::string>& supported_onnx_ops();

}  // namespace cimsim::workload
