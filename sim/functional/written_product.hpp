#pragma once
// A product of two activations on arrays written per input (mapping.activation_products: arrays;
// docs/semantics.md, "Products of two activations on arrays"): for each sample and batch element
// b of Y = A·B, B_b becomes signed weight codes that are written into the layer's arrays, and the
// m rows of A_b are read through them as m input vectors, then dequantized.

#include <Eigen/Dense>

#include "sim/functional/reference.hpp"
#include "sim/workload/activation_product.hpp"
#include "sim/workload/quantize.hpp"

namespace cimsim::functional {

// Weight codes (n × k: outputs × inputs) of one second operand B_b (k × n): round(B / s_B), half
// away from zero, clamped to ±(2^(wb−1) − 1).
workload::MatrixXi32 operand_codes(const workload::QuantLayer& q, const Eigen::Ref<const workload::RowMajorMatrixXf>& b);

// Write number of batch element `b` of sample `sample`: sample-major, so that a write's draws do
// not depend on the batch the sample came in.
inline std::int64_t write_number(const models::ActivationMatMul& p, std::int64_t sample, std::int64_t b) {
  return sample * p.batches + b;
}

// The layer's output for a batch of samples (one column each; `a` and `b` its operands), every
// product done by `backend`; samples are numbered from `first_sample`.
Batch written_product(const workload::QuantizedNetwork& qnet, int layer, const Batch& a, const Batch& b,
                      std::int64_t first_sample, MatrixBackend& backend);

}  // namespace cimsim::functional
