#pragma once
// Networks written as a layer list in YAML (traces/*/network.yaml). Every layer names its type;
// its input is the previous layer unless `input:` names another (or a list, for add and concat).
//
//   name: small_cnn
//   input_shape: [1, 8, 8]                       # (channels, height, width) or (features)
//   layers:
//     - {name: c1, type: conv, weights: c1.w.npy, bias: c1.b.npy, kernel: 3, padding: 1, activation: relu}
//     - {name: p1, type: maxpool, kernel: 2}
//     - {name: fc, type: dense, weights: fc.w.npy}
//
// Types: dense, conv (stride, padding, dilation, groups), maxpool, avgpool, global_avgpool, add,
// concat, flatten. Weights are .npy files relative to the network file — dense [out, in], conv
// [out, in/groups, kh, kw] as PyTorch stores them — or, for shape-only workloads,
// `init: {seed: N}` draws them from a Kaiming normal distribution (std sqrt(2 / fan_in)).
// `batchnorm: {gamma, beta, mean, var, eps}` (.npy files) is folded into the weights.
// Activations: none, relu, relu6.

#include <string>

#include "sim/workload/network.hpp"

namespace cimsim::workload {

// Errors name the file, line, column and key (status 2 at the CLI).
Network load_layer_list(const std::string& path);

}  // namespace cimsim::workload
