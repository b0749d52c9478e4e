#include "models/operators/reduce.hpp"

#include <limits>

namespace cimsim::models {

ReduceOperator::ReduceOperator(const OperatorArgs& args, Kind kind, bool axes_from_input) : kind_(kind) {
  in_ = args.activation(0, "data").dims;
  const auto rank = static_cast<std::int64_t>(in_.size());
  std::vector<std::int64_t> axes;
  if (axes_from_input) {
    if (args.present(1))
      axes = args.constant_integers(1, "axes");
  } else {
    axes = args.integers("axes");
  }
  keep_ = args.integer("keepdims", 1) != 0;
  reduced_.assign(in_.size(), axes.empty());
  if (axes.empty() && args.integer("noop_with_empty_axes", 0) != 0) reduced_.assign(in_.size(), false);
  for (std::int64_t a : axes) {
    const std::int64_t k = args.axis(a, rank, "axes");
    if (reduced_[static_cast<std::size_t>(k)]) args.fail("axes", "names axis " + std::to_string(k) + " twice");
    reduced_[static_cast<std::size_t>(k)] = true;
  }
  Dims kept;  // output dims with every reduced axis at 1
  for (std::size_t k = 0; k < in_.size(); ++k) {
    kept.push_back(reduced_[k] ? 1 : in_[k]);
    if (!reduced_[k] || keep_) out_.push_back(reduced_[k] ? 1 : in_[k]);
    if (reduced_[k]) per_group_ *= in_[k];
  }
  // Each input element's output element: its position with the reduced coordinates dropped.
  const Dims in_strides = strides_of(in_), kept_strides = strides_of(kept);
  const std::int64_t n = element_count(in_);
  group_.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t rest = i, g = 0;
    for (std::size_t k = 0; k < in_.size(); ++k) {
      const std::int64_t c = rest / in_strides[k];
      rest %= in_strides[k];
      if (!reduced_[k]) g += c * kept_strides[k];
    }
    group_[static_cast<std::size_t>(i)] = g;
  }
}

int ReduceOperator::batch_axis(const std::vector<int>& axes) const {
  const int a = axes.at(0);
  if (a < 0 || reduced_[static_cast<std::size_t>(a)]) return -1;
  if (keep_) return a;
  int out = a;
  for (int k = 0; k < a; ++k) out -= reduced_[static_cast<std::size_t>(k)] ? 1 : 0;
  return out;
}

OperatorBatch ReduceOperator::forward(const std::vector<const OperatorBatch*>& inputs) const {
  const OperatorBatch& x = *inputs.at(0);
  const Eigen::Index out_n = static_cast<Eigen::Index>(element_count(out_));
  const float start = kind_ == Kind::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
  OperatorBatch y = OperatorBatch::Constant(out_n, x.cols(), start);
  for (Eigen::Index s = 0; s < x.cols(); ++s)
    for (std::size_t i = 0; i < group_.size(); ++i) {
      float& acc = y(group_[i], s);
      const float v = x(static_cast<Eigen::Index>(i), s);
      acc = kind_ == Kind::Max ? std::max(acc, v) : acc + v;
    }
  if (kind_ == Kind::Mean) y /= static_cast<float>(per_group_);
  return y;
}

DigitalOps ReduceOperator::cost() const {
  const std::int64_t in = element_count(in_), out = element_count(out_);
  if (kind_ == Kind::Max) return {0, 0, in - out};
  return {in - out, kind_ == Kind::Mean ? out : 0, 0};
}

std::vector<OperatorBatch> ReduceOperator::backward(const std::vector<const OperatorBatch*>& inputs,
                                                    const OperatorBatch& output, const OperatorBatch& grad) const {
  const OperatorBatch& x = *inputs.at(0);
  OperatorBatch g = OperatorBatch::Zero(x.rows(), x.cols());
  const float scale = kind_ == Kind::Mean ? 1.0f / static_cast<float>(per_group_) : 1.0f;
  for (Eigen::Index s = 0; s < x.cols(); ++s) {
    std::vector<bool> taken(static_cast<std::size_t>(output.rows()), false);
    for (std::size_t i = 0; i < group_.size(); ++i) {
      const Eigen::Index o = group_[i], r = static_cast<Eigen::Index>(i);
      if (kind_ != Kind::Max) {
        g(r, s) = grad(o, s) * scale;
      } else if (!taken[static_cast<std::size_t>(o)] && x(r, s) == output(o, s)) {
        g(r, s) = grad(o, s);  // the first maximum takes the gradient
        taken[static_cast<std::size_t>(o)] = true;
      }
    }
  }
  return {g};
}

}  // namespace cimsim::models
