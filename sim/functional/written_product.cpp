#include "sim/functional/written_product.hpp"

#include <algorithm>
#include <cmath>

#include "sim/util/rounding.hpp"

namespace cimsim::functional {

workload::MatrixXi32 operand_codes(const workload::QuantLayer& q, const Eigen::Ref<const workload::RowMajorMatrixXf>& b) {
  const double wmax = q.weight_max();
  workload::MatrixXi32 w(b.cols(), b.rows());
  for (Eigen::Index i = 0; i < b.rows(); ++i)
    for (Eigen::Index o = 0; o < b.cols(); ++o)
      w(o, i) = static_cast<std::int32_t>(std::clamp<double>(util::round_half_away(b(i, o) / q.operand_scale), -wmax, wmax));
  return w;
}

Batch written_product(const workload::QuantizedNetwork& qnet, int li, const Batch& a, const Batch& b,
                      std::int64_t first_sample, MatrixBackend& backend) {
  const workload::Layer& layer = qnet.net->layers[static_cast<std::size_t>(li)];
  const models::ActivationMatMul p = *workload::activation_product(layer);
  workload::QuantLayer q = qnet.of(li);  // a copy: its weights change with every write
  const double scale = q.operand_scale * q.input_scale;
  Batch y(p.batches * p.m * p.n, a.cols());
  for (Eigen::Index s = 0; s < a.cols(); ++s) {
    for (std::int64_t e = 0; e < p.batches; ++e) {
      q.w = operand_codes(q, workload::operand_b(p, b.col(s).data(), e));
      q.w_row_sums = q.w.row_sums();
      // A_bᵀ: each row of A_b is one input vector (a column of codes).
      const Batch rows = workload::operand_a(p, a.col(s).data(), e).transpose();
      const Eigen::MatrixXi codes = input_codes(q, rows);
      const std::int64_t write = write_number(p, first_sample + s, e);
      Eigen::MatrixXd acc = backend.multiply_written(q, codes, write * p.m, write);  // n × m
      if (q.input_zero_point != 0) acc.colwise() -= static_cast<double>(q.input_zero_point) * q.w_row_sums;
      // Y_b is m × n row-major: element (r, o) at r·n + o, which is acc(o, r) in column-major order.
      Eigen::Map<Eigen::MatrixXf>(y.col(s).data() + e * p.m * p.n, p.n, p.m) = (scale * acc).cast<float>();
    }
  }
  return y;
}

}  // namespace cimsim::functional
