#include "models/operators/elementwise.hpp"

namespace cimsim::models {

UnaryOperator::UnaryOperator(const OperatorArgs& args, Function f, Derivative df, DigitalOps per_element)
    : dims_(args.activation(0, "X").dims), f_(std::move(f)), df_(std::move(df)), per_element_(per_element) {}

OperatorBatch UnaryOperator::forward(const std::vector<const OperatorBatch*>& inputs) const {
  return inputs.at(0)->unaryExpr([this](float x) { return f_(x); });
}

std::vector<OperatorBatch> UnaryOperator::backward(const std::vector<const OperatorBatch*>& inputs,
                                                   const OperatorBatch& output, const OperatorBatch& grad) const {
  const OperatorBatch& x = *inputs.at(0);
  OperatorBatch g(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.size(); ++i) g.data()[i] = grad.data()[i] * df_(x.data()[i], output.data()[i]);
  return {g};
}

BinaryOperator::BinaryOperator(const OperatorArgs& args, Function f, Partial da, Partial db, DigitalOps per_element)
    : f_(std::move(f)), da_(std::move(da)), db_(std::move(db)), per_element_(per_element) {
  if (!args.present(0) || !args.present(1)) args.fail("", "needs two inputs");
  a_ = args.inputs[0];
  b_ = args.inputs[1];
  out_ = broadcast_dims(a_.dims, b_.dims, args);
  int next = 0;
  const OperatorInput* ops[2] = {&a_, &b_};
  for (int k = 0; k < 2; ++k) {
    index_[k] = BroadcastMap(ops[k]->dims, out_);
    if (ops[k]->kind == OperatorInput::Kind::Activation) slot_[k] = next++;
    else const_[k].assign(ops[k]->values.begin(), ops[k]->values.end());
  }
  if (next == 0) args.fail("", "both inputs are constants (the loader folds such nodes)");
}

int BinaryOperator::batch_axis(const std::vector<int>& axes) const {
  return broadcast_batch_axis({&a_, &b_}, axes, out_);
}

float BinaryOperator::operand(int k, const std::vector<const OperatorBatch*>& inputs, Eigen::Index s,
                              std::size_t i) const {
  const std::int64_t at = index_[k](static_cast<std::int64_t>(i));
  if (slot_[k] < 0) return const_[k][static_cast<std::size_t>(at)];
  return (*inputs[static_cast<std::size_t>(slot_[k])])(at, s);
}

OperatorBatch BinaryOperator::forward(const std::vector<const OperatorBatch*>& inputs) const {
  const Eigen::Index cols = inputs.at(0)->cols();
  const std::size_t n = static_cast<std::size_t>(element_count(out_));
  OperatorBatch out(static_cast<Eigen::Index>(n), cols);
  for (Eigen::Index s = 0; s < cols; ++s)
    for (std::size_t i = 0; i < n; ++i)
      out(static_cast<Eigen::Index>(i), s) = f_(operand(0, inputs, s, i), operand(1, inputs, s, i));
  return out;
}

std::vector<OperatorBatch> BinaryOperator::backward(const std::vector<const OperatorBatch*>& inputs,
                                                    const OperatorBatch& output, const OperatorBatch& grad) const {
  std::vector<OperatorBatch> g;
  const std::size_t n = static_cast<std::size_t>(element_count(out_));
  const OperatorInput* ops[2] = {&a_, &b_};
  for (int k = 0; k < 2; ++k) {
    if (slot_[k] < 0) continue;
    OperatorBatch local(static_cast<Eigen::Index>(n), grad.cols());
    for (Eigen::Index s = 0; s < grad.cols(); ++s)
      for (std::size_t i = 0; i < n; ++i) {
        const auto r = static_cast<Eigen::Index>(i);
        const float a = operand(0, inputs, s, i), b = operand(1, inputs, s, i);
        local(r, s) = grad(r, s) * (k == 0 ? da_(a, b, output(r, s)) : db_(a, b, output(r, s)));
      }
    if (ops[k]->dims == out_) g.push_back(std::move(local));
    else g.push_back(reduce_to(local, broadcast_index(ops[k]->dims, out_), element_count(ops[k]->dims)));
  }
  return g;
}

}  // namespace cimsim::models
