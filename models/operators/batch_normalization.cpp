// BatchNormalization at inference, where it cannot be folded into the matrix layer before it (a
// pre-activation block, DenseNet's BN after a concatenation): y = x·k + c per channel (axis 1),
// with k = scale/√(var + ε) and c = B − mean·k computed when the network loads. A mult and an
// add per element.

#include <cmath>

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class BatchNorm final : public Operator {
 public:
  explicit BatchNorm(const OperatorArgs& a) {
    dims_ = a.activation(0, "X").dims;
    if (dims_.size() < 2) a.fail("", "needs an input with a channel axis (axis 1), got " + dims_text(dims_));
    if (a.integer("training_mode", 0) != 0) a.fail("training_mode", "must be 0: only inference is simulated");
    const double eps = a.real("epsilon", 1e-5);
    if (!(eps >= 0)) a.fail("epsilon", "must be at least 0");
    const std::int64_t c = dims_[1];
    const char* names[4] = {"scale", "B", "input_mean", "input_var"};
    std::vector<double> v[4];
    for (int k = 0; k < 4; ++k) {
      const OperatorInput& in = a.constant(static_cast<std::size_t>(k + 1), names[k]);
      if (static_cast<std::int64_t>(in.values.size()) != c)
        a.fail("", std::string(names[k]) + " has " + std::to_string(in.values.size()) + " values for " +
                       std::to_string(c) + " channels");
      v[k] = in.values;
    }
    inner_ = 1;
    for (std::size_t k = 2; k < dims_.size(); ++k) inner_ *= dims_[k];
    for (std::int64_t ch = 0; ch < c; ++ch) {
      const double var = v[3][static_cast<std::size_t>(ch)];
      if (!(var >= 0)) a.fail("", "input_var of channel " + std::to_string(ch) + " is " + std::to_string(var) + " (a variance cannot be negative)");
      const double k = v[0][static_cast<std::size_t>(ch)] / std::sqrt(var + eps);
      k_.push_back(static_cast<float>(k));
      c_.push_back(static_cast<float>(v[1][static_cast<std::size_t>(ch)] - v[2][static_cast<std::size_t>(ch)] * k));
    }
  }

  Dims output_dims() const override { return dims_; }
  int batch_axis(const std::vector<int>& axes) const override { return axes.at(0) == 1 ? -1 : axes.at(0); }

  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override {
    OperatorBatch y = *inputs.at(0);
    const std::int64_t c = static_cast<std::int64_t>(k_.size());
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      const auto ch = static_cast<std::size_t>((r / inner_) % c);
      y.row(r) = (y.row(r) * k_[ch]).array() + c_[ch];
    }
    return y;
  }
  DigitalOps cost() const override { return DigitalOps{1, 1, 0} * element_count(dims_); }
  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>&, const OperatorBatch&,
                                      const OperatorBatch& grad) const override {
    OperatorBatch g = grad;
    const std::int64_t c = static_cast<std::int64_t>(k_.size());
    for (Eigen::Index r = 0; r < g.rows(); ++r) g.row(r) *= k_[static_cast<std::size_t>((r / inner_) % c)];
    return {g};
  }

 private:
  Dims dims_;
  std::int64_t inner_ = 1;
  std::vector<float> k_, c_;
};

const bool registered = register_operator(
    {"BatchNormalization", "x*k + c per channel (inference, not foldable into a matrix layer); a mult and an add per element",
     [](const OperatorArgs& a) { return std::make_unique<BatchNorm>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
