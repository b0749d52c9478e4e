#pragma once
// Element-wise operators: one function of one tensor (activation functions), or of two tensors
// under numpy broadcasting (Add, Mul, ...), either of which may be a constant.

#include <functional>

#include "models/operators/function_cost.hpp"
#include "models/operators/tensor_index.hpp"

namespace cimsim::models {

// y = f(x), element by element, at `per_element` cost.
class UnaryOperator : public Operator {
 public:
  using Function = std::function<float(float)>;
  using Derivative = std::function<float(float x, float y)>;  // dy/dx at x (y = f(x))

  UnaryOperator(const OperatorArgs& args, Function f, Derivative df, DigitalOps per_element);

  Dims output_dims() const override { return dims_; }
  int batch_axis(const std::vector<int>& axes) const override { return axes.at(0); }
  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override;
  DigitalOps cost() const override { return per_element_ * element_count(dims_); }
  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs, const OperatorBatch& output,
                                      const OperatorBatch& grad_output) const override;

 private:
  Dims dims_;
  Function f_;
  Derivative df_;
  DigitalOps per_element_;
};

// y = f(a, b) with broadcasting; inputs 0 and 1, each an activation or a constant.
class BinaryOperator : public Operator {
 public:
  using Function = std::function<float(float a, float b)>;
  // ∂y/∂a and ∂y/∂b at (a, b) with y = f(a, b).
  using Partial = std::function<float(float a, float b, float y)>;

  BinaryOperator(const OperatorArgs& args, Function f, Partial da, Partial db, DigitalOps per_element);

  Dims output_dims() const override { return out_; }
  int batch_axis(const std::vector<int>& axes) const override;
  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override;
  DigitalOps cost() const override { return per_element_ * element_count(out_); }
  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs, const OperatorBatch& output,
                                      const OperatorBatch& grad_output) const override;

 private:
  // Operand k of sample column s at output element i.
  float operand(int k, const std::vector<const OperatorBatch*>& inputs, Eigen::Index s, std::size_t i) const;

  OperatorInput a_, b_;
  Dims out_;
  BroadcastMap index_[2];  // element of each operand read at each output element
  int slot_[2] = {-1, -1};  // activation slot of each operand, −1 for a constant
  std::vector<float> const_[2];
  Function f_;
  Partial da_, db_;
  DigitalOps per_element_;
};

}  // namespace cimsim::models
