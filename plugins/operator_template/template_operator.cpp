// A template digital operator in a plug-in: ONNX's Softsign, y = x / (1 + |x|), which cimsim does
// not build in. Replace it with your operator; keep the shape:
//   - work on one sample's tensors exactly as ONNX defines the operator on a batch of one (the
//     shapes in OperatorArgs are at batch size 1; a batch holds one sample per column);
//   - say where the batch goes (batch_axis): an element-wise operator keeps it where it is;
//   - count the work of the tile's digital unit per sample in adds, mults and compares, by the
//     algorithm it would run;
//   - refuse what you cannot compute with args.fail(attribute, why): the loader names the file,
//     the node and the attribute;
//   - register through CIMSIM_PLUGIN under the ONNX op_type ("domain.Type" for a custom domain).

#include <cmath>

#include "sim/plugins/plugin_api.hpp"

namespace {

using namespace cimsim;

class Softsign final : public models::Operator {
 public:
  explicit Softsign(const models::OperatorArgs& args) : dims_(args.activation(0, "input").dims) {
    if (args.inputs.size() != 1) args.fail("", "takes one input");
  }

  models::Dims output_dims() const override { return dims_; }
  int batch_axis(const std::vector<int>& axes) const override { return axes.at(0); }

  models::OperatorBatch forward(const std::vector<const models::OperatorBatch*>& inputs) const override {
    return inputs.at(0)->unaryExpr([](float x) { return x / (1.0f + std::fabs(x)); });
  }

  // Per element: |x| (a compare and a select), 1 + |x| (an add), a reciprocal by two
  // Newton-Raphson steps (2 adds, 4 mults) and the product (a mult).
  models::DigitalOps cost() const override { return models::DigitalOps{3, 5, 1} * models::element_count(dims_); }

  // dy/dx = 1 / (1 + |x|)^2, for the worst-case search.
  bool differentiable() const override { return true; }
  std::vector<models::OperatorBatch> backward(const std::vector<const models::OperatorBatch*>& inputs,
                                              const models::OperatorBatch&,
                                              const models::OperatorBatch& grad) const override {
    const models::OperatorBatch d = inputs.at(0)->unaryExpr([](float x) {
      const float s = 1.0f + std::fabs(x);
      return 1.0f / (s * s);
    });
    return {grad.cwiseProduct(d)};
  }

 private:
  models::Dims dims_;
};

}  // namespace

CIMSIM_PLUGIN(registrar) {
  registrar->add_operator({"Softsign", "Template plug-in: x/(1 + |x|); 3 adds, 5 mults and a compare per element",
                           [](const models::OperatorArgs& a) { return std::make_unique<Softsign>(a); }, ""});
}
