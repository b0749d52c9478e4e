#pragma once
#include <string>

#include "sim/workload/onnx_loader.hpp"

namespace cimsim::workload {

// Reads a network by its file type: ONNX (.onnx) or a layer list (.yaml, .yml). The options
// concern ONNX files; a layer list holds its weights itself.
Network load_network(const std::string& path, const LoadOptions& options = {});

}  // namespace cimsim::workload
