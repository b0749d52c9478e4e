#pragma once
// Reductions over some axes (ReduceMean, ReduceSum, ReduceMax): the axes come from the `axes`
// attribute or, in newer opsets, from input 1; keepdims keeps them as size 1.

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {

class ReduceOperator : public Operator {
 public:
  enum class Kind { Sum, Mean, Max };
  // `axes_from_input`: the opset reads the axes from input 1 rather than an attribute.
  ReduceOperator(const OperatorArgs& args, Kind kind, bool axes_from_input);

  Dims output_dims() const override { return out_; }
  int batch_axis(const std::vector<int>& axes) const override;
  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override;
  DigitalOps cost() const override;
  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs, const OperatorBatch& output,
                                      const OperatorBatch& grad_output) const override;

 private:
  Kind kind_;
  Dims in_, out_;
  std::vector<bool> reduced_;              // per input axis
  bool keep_ = true;
  std::vector<std::int64_t> group_;        // per input element: its output element
  std::int64_t per_group_ = 1;
};

}  // namespace cimsim::models
