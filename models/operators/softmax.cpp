// Softmax: y = e^(x − max) / Σ e^(x − max) along an axis. Per group of n: n − 1 compares for
// the maximum, n subtractions, n exps, n − 1 adds, one reciprocal and n mults.

#include "models/operators/softmax.hpp"

#include <cmath>

namespace cimsim::models {

SoftmaxOperator::SoftmaxOperator(const OperatorArgs& a, bool log) : log_(log) {
  dims_ = a.activation(0, "input").dims;
  const auto rank = static_cast<std::int64_t>(dims_.size());
  flattened_ = a.opset < 13;
  axis_ = a.axis(a.integer("axis", flattened_ ? 1 : -1), rank, "axis");
  if (flattened_) {
    count_ = 1;
    for (std::int64_t k = axis_; k < rank; ++k) count_ *= dims_[static_cast<std::size_t>(k)];
    stride_ = inner_ = 1;
  } else {
    count_ = dims_[static_cast<std::size_t>(axis_)];
    inner_ = 1;
    for (std::int64_t k = axis_ + 1; k < rank; ++k) inner_ *= dims_[static_cast<std::size_t>(k)];
    stride_ = inner_;
  }
  groups_ = count_ > 0 ? element_count(dims_) / count_ : 0;
}

int SoftmaxOperator::batch_axis(const std::vector<int>& axes) const {
  const int a = axes.at(0);
  if (a < 0 || a == axis_ || (flattened_ && a > axis_)) return -1;
  return a;
}

OperatorBatch SoftmaxOperator::forward(const std::vector<const OperatorBatch*>& inputs) const {
  const OperatorBatch& x = *inputs.at(0);
  OperatorBatch y(x.rows(), x.cols());
  for (Eigen::Index s = 0; s < x.cols(); ++s)
    for (std::int64_t g = 0; g < groups_; ++g) {
      const std::int64_t base = start(g);
      float m = x(base, s);
      for (std::int64_t k = 1; k < count_; ++k) m = std::max(m, x(base + k * stride_, s));
      float sum = 0;
      for (std::int64_t k = 0; k < count_; ++k) {
        const float e = std::exp(x(base + k * stride_, s) - m);
        y(base + k * stride_, s) = e;
        sum += e;
      }
      for (std::int64_t k = 0; k < count_; ++k) {
        float& v = y(base + k * stride_, s);
        v = log_ ? x(base + k * stride_, s) - m - std::log(sum) : v / sum;
      }
    }
  return y;
}

DigitalOps SoftmaxOperator::cost() const {
  const std::int64_t n = count_;
  DigitalOps per{n + (n - 1), 0, n - 1};
  per += cost::kExp * n;
  if (log_) {
    per.adds += n;
    per += cost::kLog;
  } else {
    per.mults += n;
    per += cost::kRecip;
  }
  return per * groups_;
}

std::vector<OperatorBatch> SoftmaxOperator::backward(const std::vector<const OperatorBatch*>& inputs,
                                                     const OperatorBatch& y, const OperatorBatch& grad) const {
  OperatorBatch g(y.rows(), y.cols());
  for (Eigen::Index s = 0; s < y.cols(); ++s)
    for (std::int64_t gi = 0; gi < groups_; ++gi) {
      const std::int64_t base = start(gi);
      float dot = 0;
      for (std::int64_t k = 0; k < count_; ++k) {
        const Eigen::Index r = base + k * stride_;
        dot += log_ ? grad(r, s) : grad(r, s) * y(r, s);
      }
      for (std::int64_t k = 0; k < count_; ++k) {
        const Eigen::Index r = base + k * stride_;
        g(r, s) = log_ ? grad(r, s) - std::exp(y(r, s)) * dot : y(r, s) * (grad(r, s) - dot);
      }
    }
  (void)inputs;
  return {g};
}

namespace {
const bool registered = register_operator(
    {"Softmax", "e^(x - max)/sum along an axis; per element an exp, a subtraction, an add and a mult", [](const OperatorArgs& a) {
       return std::make_unique<SoftmaxOperator>(a, false);
     },
     ""});
}  // namespace

}  // namespace cimsim::models
