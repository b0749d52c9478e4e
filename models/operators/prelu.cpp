// PRelu: y = x for x ≥ 0, slope·x below; the slope (input 1) broadcasts (per channel in PyTorch).

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

std::unique_ptr<Operator> make(const OperatorArgs& a) {
  a.constant(1, "slope");
  return std::make_unique<BinaryOperator>(
      a, [](float x, float s) { return x >= 0.0f ? x : s * x; },
      [](float x, float s, float) { return x >= 0.0f ? 1.0f : s; },
      [](float x, float, float) { return x >= 0.0f ? 0.0f : x; }, DigitalOps{0, 1, 1});
}

const bool registered =
    register_operator({"PRelu", "x >= 0 ? x : slope*x with a broadcast slope; a compare and a mult per element", make, ""});

}  // namespace
}  // namespace cimsim::models
