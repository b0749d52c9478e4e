#pragma once
#include <string>

#include "sim/workload/network.hpp"

namespace cimsim::workload {

// Reads a network by its file type: ONNX (.onnx) or a layer list (.yaml, .yml).
Network load_network(const std::string& path);

}  // namespace cimsim::workload
