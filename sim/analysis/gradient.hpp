#pragma once
// Gradients of the float network, for the worst-case search: the mean cross-entropy of a labelled
// batch with respect to every matrix layer's weights, by back-propagation through every op the
// simulator supports (dense, convolution, pooling, residual add, concatenation, ReLU and clip;
// QDQ fake-quantization passes gradients straight through).

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "sim/workload/network.hpp"

namespace cimsim::analysis {

struct LossGradient {
  double loss = 0;                       // mean cross-entropy over the batch
  std::vector<Eigen::MatrixXf> weights;  // per network layer: dL/dW (out × in), empty for digital layers
};

// `weights[l]`, when not empty, replaces layer l's weights (same shape) in the forward pass.
LossGradient loss_gradient(const workload::Network& net, const std::vector<Eigen::MatrixXf>& weights,
                           const Eigen::MatrixXf& x, const std::vector<std::int64_t>& labels);

}  // namespace cimsim::analysis
