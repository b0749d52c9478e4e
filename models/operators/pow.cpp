// Pow with numpy broadcasting. A constant exponent picks the cheapest evaluation: squares and
// cubes by multiplying, ±1/2 by the square-root unit, anything else as e^(b·ln a).

#include <cmath>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

DigitalOps cost_of(const OperatorArgs& a) {
  const DigitalOps general = cost::sum(cost::sum(cost::kExp, cost::kLog), {0, 1, 0});
  if (!a.present(1) || a.inputs[1].kind != OperatorInput::Kind::Constant || a.inputs[1].values.empty()) return general;
  const auto& v = a.inputs[1].values;
  for (double e : v)
    if (e != v.front()) return general;
  const double e = v.front();
  if (e == 1) return {};
  if (e == 2) return {0, 1, 0};
  if (e == 3) return {0, 2, 0};
  if (e == 0.5) return cost::kSqrt;
  if (e == -0.5) return cost::kRsqrt;
  if (e == -1) return cost::kRecip;
  return general;
}

std::unique_ptr<Operator> make(const OperatorArgs& a) {
  return std::make_unique<BinaryOperator>(
      a, [](float x, float y) { return y == 2.0f ? x * x : std::pow(x, y); },
      [](float x, float y, float) { return y * std::pow(x, y - 1.0f); },
      [](float x, float, float r) { return r * std::log(x); }, cost_of(a));
}

const bool registered = register_operator(
    {"Pow", "a^b with broadcasting; mults for small integer exponents, the square-root unit for +-1/2, else exp and log",
     make, ""});

}  // namespace
}  // namespace cimsim::models
