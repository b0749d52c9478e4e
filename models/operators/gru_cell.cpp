// One time step of a GRU with ONNX's default activations and linear_before_reset = 1 (PyTorch's
// form), after the arrays have computed the products: inputs are the input projection of every
// step (T × 3H per sample, with its bias, gates in ONNX order z, r, h), the recurrent product
// R·h(t−1) + Rb of this step (absent at the first step, whose h(t−1) is 0: the product is then the
// bias Rb, input 3), and the previous h (absent at the first step). Output: the new h.
//   z = σ(·), r = σ(·), n = tanh(Wx_h + r⊙(R_h·h' + Rb_h)), h = (1 − z)⊙n + z⊙h'
// Per step: 3H adds, 2H sigmoids, H tanh, 2H mults and 2H adds.

#include <cmath>

#include "models/operators/function_cost.hpp"
#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

class GruCell final : public Operator {
 public:
  explicit GruCell(const OperatorArgs& a) {
    h_ = a.integer("hidden_size", 0);
    if (h_ <= 0) a.fail("hidden_size", "must be positive");
    const OperatorInput& pre = a.activation(0, "input projection");
    if (pre.dims.empty() || pre.dims.back() != 3 * h_) a.fail("", "the input projection must end in 3·hidden_size");
    const std::int64_t steps = element_count(pre.dims) / (3 * h_);
    t_ = a.integer("time_index", 0);
    if (t_ < 0 || t_ >= steps) a.fail("time_index", "is outside the " + std::to_string(steps) + " steps");
    first_ = !a.present(1);
    if (first_ != !a.present(2)) a.fail("", "the recurrent product and the previous h come together");
    if (first_) {
      const OperatorInput& rb = a.constant(3, "recurrent bias");
      if (static_cast<std::int64_t>(rb.values.size()) != 3 * h_) a.fail("", "the recurrent bias must hold 3·hidden_size");
      rb_.assign(rb.values.begin(), rb.values.end());
    }
  }

  Dims output_dims() const override { return {1, h_}; }
  int batch_axis(const std::vector<int>& axes) const override { return axes.empty() ? -1 : 0; }

  OperatorBatch forward(const std::vector<const OperatorBatch*>& in) const override {
    const OperatorBatch& pre = *in.at(0);
    OperatorBatch y(h_, pre.cols());
    for (Eigen::Index s = 0; s < pre.cols(); ++s)
      for (std::int64_t k = 0; k < h_; ++k) {
        auto rec = [&](std::int64_t g) { return first_ ? rb_[static_cast<std::size_t>(g * h_ + k)] : (*in[1])(g * h_ + k, s); };
        auto x = [&](std::int64_t g) { return pre(t_ * 3 * h_ + g * h_ + k, s); };
        const float z = sigmoid(x(0) + rec(0)), r = sigmoid(x(1) + rec(1));
        const float n = std::tanh(x(2) + r * rec(2));
        const float h_prev = first_ ? 0.0f : (*in[2])(k, s);
        y(k, s) = (1.0f - z) * n + z * h_prev;
      }
    return y;
  }

  DigitalOps cost() const override {
    DigitalOps per = cost::kSigmoid * 2 + cost::kTanh;
    per += DigitalOps{3 + 2, 2, 0};
    return per * h_;
  }

 private:
  std::int64_t h_ = 0, t_ = 0;
  bool first_ = true;
  std::vector<float> rb_;
};

const bool registered = register_operator(
    {"cimsim.GruCell", "one GRU time step after the gate products (attributes hidden_size, time_index)",
     [](const OperatorArgs& a) { return std::make_unique<GruCell>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
