#pragma once
// Networks written as a layer list in YAML (traces/*/network.yaml):
//
//   name: digits_mlp
//   input_shape: [64]
//   layers:
//     - {name: fc1, type: dense, weights: fc1.weight.npy, bias: fc1.bias.npy, activation: relu}
//
// Weight files are .npy, [out, in] as PyTorch stores them, relative to the network file.

#include <string>

#include "sim/workload/network.hpp"

namespace cimsim::workload {

// Errors name the file, line, column and key (status 2 at the CLI).
Network load_layer_list(const std::string& path);

}  // namespace cimsim::workload
