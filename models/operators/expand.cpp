// Expand: broadcasts a tensor to a shape (numpy rules). Moves data only.

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class Expand final : public MoveOperator {
 public:
  explicit Expand(const OperatorArgs& a) : in_(a.activation(0, "input")) {
    out_ = broadcast_dims(in_.dims, a.constant_integers(1, "shape"), a);
    index_ = broadcast_index(in_.dims, out_);
    which_.assign(index_.size(), 0);
    bind(a);
  }

  int batch_axis(const std::vector<int>& axes) const override {
    const int b = axes.at(0);
    if (b < 0) return -1;
    const int mapped = static_cast<int>(out_.size() - in_.dims.size()) + b;
    return out_[static_cast<std::size_t>(mapped)] == in_.dims[static_cast<std::size_t>(b)] ? mapped : -1;
  }

 private:
  OperatorInput in_;
};

const bool registered = register_operator(
    {"Expand", "broadcasts to a shape; data movement only", [](const OperatorArgs& a) { return std::make_unique<Expand>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
