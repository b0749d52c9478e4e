// Elu: y = x for x ≥ 0, α·(e^x − 1) below (α = 1 by default).

#include <cmath>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

std::unique_ptr<Operator> make(const OperatorArgs& a) {
  const float alpha = static_cast<float>(a.real("alpha", 1.0));
  return std::make_unique<UnaryOperator>(
      a, [=](float x) { return x >= 0.0f ? x : alpha * std::expm1(x); },
      [=](float x, float y) { return x >= 0.0f ? 1.0f : y + alpha; }, cost::sum(cost::kExp, {1, 1, 1}));
}

const bool registered =
    register_operator({"Elu", "x >= 0 ? x : alpha*(e^x - 1); a compare, exp, an add and a mult per element", make, ""});

}  // namespace
}  // namespace cimsim::models
