#pragma once
// A MatMul between two activations (attention's Q·Kᵀ and P·V). By default it runs in the digital
// unit like any operator; with mapping.activation_products: arrays its second operand is written
// into arrays for every input and the first operand's rows are read through them
// (docs/semantics.md, "Products of two activations on arrays").

#include <Eigen/Dense>

#include <cstdint>
#include <optional>

#include "models/operators/matmul.hpp"
#include "sim/workload/network.hpp"

namespace cimsim::workload {

// The product's shape when `layer` is a MatMul of two activations; nothing otherwise.
std::optional<models::ActivationMatMul> activation_product(const Layer& layer);

using RowMajorMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Operand A_b (m × k) and B_b (k × n) of batch element `b` within one sample's tensors.
inline Eigen::Map<const RowMajorMatrixXf> operand_a(const models::ActivationMatMul& p, const float* sample, std::int64_t b) {
  return {sample + p.index_a[static_cast<std::size_t>(b)] * p.m * p.k, p.m, p.k};
}
inline Eigen::Map<const RowMajorMatrixXf> operand_b(const models::ActivationMatMul& p, const float* sample, std::int64_t b) {
  return {sample + p.index_b[static_cast<std::size_t>(b)] * p.k * p.n, p.k, p.n};
}

}  // namespace cimsim::workload
