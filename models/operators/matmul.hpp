#pragma once
// The shape of a MatMul between two computed tensors (attention's Q·Kᵀ and P·V), for the mapper
// that puts it onto arrays written per input (mapping.activation_products: arrays) instead of the
// digital unit.

#include <cstdint>
#include <optional>
#include <vector>

#include "models/operators/operator.hpp"

namespace cimsim::models {

// Y_b = A_b · B_b for every output batch element b (numpy broadcasting over the leading axes). Each
// operand is stored per sample in C order: A's matrix number index_a[b] starts at index_a[b]·m·k,
// B's at index_b[b]·k·n; Y_b at b·m·n. A vector operand counts as a 1-row (A) or 1-column (B) matrix.
struct ActivationMatMul {
  std::int64_t m = 1, k = 1, n = 1;
  std::int64_t batches = 1;
  std::vector<std::int64_t> index_a, index_b;
};

// The shape of `op` when it is a MatMul whose two operands are both activations; nothing otherwise
// (a constant operand is a weight matrix or stays in the digital unit).
std::optional<ActivationMatMul> activation_matmul(const Operator& op);

}  // namespace cimsim::models
