#pragma once
// Networks from ONNX, the format PyTorch exports. The importer (sim/workload/onnx/) checks the
// graph, folds what is constant (shape arithmetic of dynamic-batch exports, weight transposes,
// casts, quantized weights), follows where the batch sits in every tensor, and builds layers:
// convolutions and matrix products with constant weights on arrays, everything else on the tiles'
// digital units, through the operator registry (models/operators). QDQ models (PyTorch's
// fake-quantization and post-training exports) keep their integer weights, scales, zero points
// and code ranges, and ONNX's rounding (half to even).

#include <string>
#include <vector>

#include "sim/workload/network.hpp"

namespace cimsim::workload {

struct LoadOptions {
  // Large float32 weights of convolutions and dense layers stay where they lie in the file
  // (Layer::file_weights, file_weights.hpp) instead of being built into Layer::weight: for an
  // estimate that needs of them only their ranges and zero blocks.
  bool weights_in_file = false;
};

// Errors name the file, the node, its operator and, where one is at fault, the attribute; a
// model with operators cimsim does not support lists every such node in one error
// (config::InputError, status 2 at the CLI).
Network load_onnx(const std::string& path, const LoadOptions& options = {});
// The same from the bytes of a model (the fuzzer); `path` appears in messages only.
Network load_onnx_bytes(const std::string& bytes, const std::string& path, const LoadOptions& options = {});

// The operators load_onnx accepts, for messages and documentation.
std::vector<std::string> supported_onnx_ops();

}  // namespace cimsim::workload
