#pragma once
// Softmax and LogSoftmax. From opset 13 they normalise along one axis; before, over everything
// from `axis` on (the tensor seen as 2-D).

#include "models/operators/function_cost.hpp"
#include "models/operators/tensor_index.hpp"

namespace cimsim::models {

class SoftmaxOperator : public Operator {
 public:
  SoftmaxOperator(const OperatorArgs& args, bool log);

  Dims output_dims() const override { return dims_; }
  int batch_axis(const std::vector<int>& axes) const override;
  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override;
  DigitalOps cost() const override;
  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs, const OperatorBatch& output,
                                      const OperatorBatch& grad_output) const override;

 private:
  bool log_;
  Dims dims_;
  std::int64_t axis_ = 0;
  bool flattened_ = false;  // before opset 13: axes [axis, rank) form one group
  std::int64_t groups_ = 1, count_ = 1, stride_ = 1, inner_ = 1;
  std::int64_t start(std::int64_t g) const { return (g / inner_) * count_ * inner_ + g % inner_; }
};

}  // namespace cimsim::models
