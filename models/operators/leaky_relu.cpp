// LeakyRelu: y = x for x ≥ 0, α·x below (α = 0.01 by default).

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

std::unique_ptr<Operator> make(const OperatorArgs& a) {
  const float alpha = static_cast<float>(a.real("alpha", 0.01));
  return std::make_unique<UnaryOperator>(
      a, [=](float x) { return x >= 0.0f ? x : alpha * x; }, [=](float x, float) { return x >= 0.0f ? 1.0f : alpha; },
      DigitalOps{0, 1, 1});
}

const bool registered =
    register_operator({"LeakyRelu", "x >= 0 ? x : alpha*x; a compare and a mult per element", make, ""});

}  // namespace
}  // namespace cimsim::models
