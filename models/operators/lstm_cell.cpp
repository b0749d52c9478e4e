// One time step of an LSTM with ONNX's default activations, after the arrays have computed the
// gate pre-activations: inputs are the input projection of every step (T × 4H per sample, bias of
// both products included, gates in ONNX order i, o, f, c), the recurrent product R·h(t−1) of this
// step (absent at the first step, whose h(t−1) is 0), and the previous state (h, c) (absent at the
// first step). Output: the new state (h, c), 2H per sample.
//   i = σ(·), o = σ(·), f = σ(·), g = tanh(·); c = f⊙c' + i⊙g; h = o⊙tanh(c)
// Per step: 4H adds for the two products, 3H sigmoids, 2H tanh, 3H mults and H adds (2H mults
// and no adds at the first step).

#include <cmath>

#include "models/operators/function_cost.hpp"
#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

class LstmCell final : public Operator {
 public:
  explicit LstmCell(const OperatorArgs& a) {
    h_ = a.integer("hidden_size", 0);
    if (h_ <= 0) a.fail("hidden_size", "must be positive");
    const OperatorInput& pre = a.activation(0, "input projection");
    if (pre.dims.empty() || pre.dims.back() != 4 * h_) a.fail("", "the input projection must end in 4·hidden_size");
    steps_ = element_count(pre.dims) / (4 * h_);
    t_ = a.integer("time_index", 0);
    if (t_ < 0 || t_ >= steps_) a.fail("time_index", "is outside the " + std::to_string(steps_) + " steps");
    first_ = !a.present(1);
    if (first_ != !a.present(2)) a.fail("", "the recurrent product and the previous state come together");
    if (!first_) {
      if (element_count(a.activation(1, "recurrent product").dims) != 4 * h_) a.fail("", "the recurrent product must hold 4·hidden_size");
      if (element_count(a.activation(2, "previous state").dims) != 2 * h_) a.fail("", "the previous state must hold 2·hidden_size");
    }
  }

  Dims output_dims() const override { return {1, 2 * h_}; }
  int batch_axis(const std::vector<int>& axes) const override { return axes.empty() ? -1 : 0; }

  OperatorBatch forward(const std::vector<const OperatorBatch*>& in) const override {
    const OperatorBatch& pre = *in.at(0);
    OperatorBatch y(2 * h_, pre.cols());
    for (Eigen::Index s = 0; s < pre.cols(); ++s)
      for (std::int64_t k = 0; k < h_; ++k) {
        auto gate = [&](std::int64_t g) {
          float v = pre(t_ * 4 * h_ + g * h_ + k, s);
          if (!first_) v += (*in[1])(g * h_ + k, s);
          return v;
        };
        const float i = sigmoid(gate(0)), o = sigmoid(gate(1)), f = sigmoid(gate(2)), g = std::tanh(gate(3));
        const float c_prev = first_ ? 0.0f : (*in[2])(h_ + k, s);
        const float c = f * c_prev + i * g;
        y(k, s) = o * std::tanh(c);
        y(h_ + k, s) = c;
      }
    return y;
  }

  DigitalOps cost() const override {
    DigitalOps per = cost::kSigmoid * 3 + cost::kTanh * 2;
    per += first_ ? DigitalOps{0, 2, 0} : DigitalOps{4 + 1, 3, 0};
    return per * h_;
  }

 private:
  std::int64_t h_ = 0, steps_ = 0, t_ = 0;
  bool first_ = true;
};

const bool registered = register_operator(
    {"cimsim.LstmCell", "one LSTM time step after the gate products (attributes hidden_size, time_index)",
     [](const OperatorArgs& a) { return std::make_unique<LstmCell>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
