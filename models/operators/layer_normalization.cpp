// LayerNormalization (opset 17): y = (x − mean)/√(var + ε)·scale + bias over the axes from `axis`
// on. Per group of n: mean (n − 1 adds, a mult), centring (n adds), variance (n mults, n − 1
// adds, a mult), ε (an add), a reciprocal square root, normalising and scaling (2n mults), bias
// (n adds).

#include <cmath>

#include "models/operators/function_cost.hpp"
#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class LayerNorm final : public Operator {
 public:
  explicit LayerNorm(const OperatorArgs& a) {
    dims_ = a.activation(0, "X").dims;
    const auto rank = static_cast<std::int64_t>(dims_.size());
    axis_ = a.axis(a.integer("axis", -1), rank, "axis");
    eps_ = a.real("epsilon", 1e-5);
    if (!(eps_ >= 0)) a.fail("epsilon", "must be at least 0");
    const Dims norm(dims_.begin() + axis_, dims_.end());
    n_ = element_count(norm);
    groups_ = n_ > 0 ? element_count(dims_) / n_ : 0;
    scale_ = values_over(a, 1, "Scale", norm, 1.0);
    has_bias_ = a.present(2);
    bias_ = values_over(a, 2, "B", norm, 0.0);
  }

  Dims output_dims() const override { return dims_; }
  int batch_axis(const std::vector<int>& axes) const override {
    const int a = axes.at(0);
    return a < 0 || a >= axis_ ? -1 : a;
  }

  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override {
    const OperatorBatch& x = *inputs.at(0);
    OperatorBatch y(x.rows(), x.cols());
    for (Eigen::Index s = 0; s < x.cols(); ++s)
      for (std::int64_t g = 0; g < groups_; ++g) {
        const auto seg = x.col(s).segment(g * n_, n_).cast<double>();
        const double mean = seg.mean();
        const double var = (seg.array() - mean).square().mean();
        const double r = 1.0 / std::sqrt(var + eps_);
        for (std::int64_t k = 0; k < n_; ++k)
          y(g * n_ + k, s) = static_cast<float>((seg(k) - mean) * r * scale_[k] + bias_[k]);
      }
    return y;
  }

  DigitalOps cost() const override {
    DigitalOps per{(n_ - 1) + n_ + (n_ - 1) + 1 + (has_bias_ ? n_ : 0), 1 + n_ + 1 + 2 * n_, 0};
    per += cost::kRsqrt;
    return per * groups_;
  }

  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs, const OperatorBatch&,
                                      const OperatorBatch& grad) const override {
    const OperatorBatch& x = *inputs.at(0);
    OperatorBatch g(x.rows(), x.cols());
    for (Eigen::Index s = 0; s < x.cols(); ++s)
      for (std::int64_t gi = 0; gi < groups_; ++gi) {
        const Eigen::VectorXd seg = x.col(s).segment(gi * n_, n_).cast<double>();
        const double mean = seg.mean();
        const double r = 1.0 / std::sqrt((seg.array() - mean).square().mean() + eps_);
        const Eigen::VectorXd xhat = (seg.array() - mean) * r;
        Eigen::VectorXd dxhat(n_);
        for (std::int64_t k = 0; k < n_; ++k) dxhat(k) = grad(gi * n_ + k, s) * scale_[k];
        const double m1 = dxhat.mean(), m2 = dxhat.dot(xhat) / static_cast<double>(n_);
        for (std::int64_t k = 0; k < n_; ++k)
          g(gi * n_ + k, s) = static_cast<float>(r * (dxhat(k) - m1 - xhat(k) * m2));
      }
    return {g};
  }

 private:
  // A constant input broadcast over the normalised shape (`fallback` everywhere when absent).
  static std::vector<double> values_over(const OperatorArgs& a, std::size_t k, const char* what, const Dims& norm,
                                         double fallback) {
    const std::int64_t n = element_count(norm);
    if (!a.present(k)) return std::vector<double>(static_cast<std::size_t>(n), fallback);
    const OperatorInput& c = a.constant(k, what);
    if (c.dims.size() > norm.size() || broadcast_dims(c.dims, norm, a) != norm)
      a.fail("", std::string(what) + " of shape " + dims_text(c.dims) + " does not fit the normalised shape " +
                     dims_text(norm));
    std::vector<double> out;
    for (std::int64_t i : broadcast_index(c.dims, norm)) out.push_back(c.values[static_cast<std::size_t>(i)]);
    return out;
  }

  Dims dims_;
  std::int64_t axis_ = 0, n_ = 1, groups_ = 0;
  double eps_ = 1e-5;
  bool has_bias_ = false;
  std::vector<double> scale_, bias_;
};

const bool registered = register_operator(
    {"LayerNormalization", "(x - mean)/sqrt(var + eps)*scale + bias over the last axes; about 5 adds and mults per element",
     [](const OperatorArgs& a) { return std::make_unique<LayerNorm>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
