// Div with numpy broadcasting. A constant divisor's reciprocal is computed once when the network
// loads, so each element costs one mult; a computed divisor needs a reciprocal per element.

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

std::unique_ptr<Operator> make(const OperatorArgs& a) {
  const bool constant_divisor = a.present(1) && a.inputs[1].kind == OperatorInput::Kind::Constant;
  return std::make_unique<BinaryOperator>(
      a, [](float x, float y) { return x / y; }, [](float, float y, float) { return 1.0f / y; },
      [](float, float y, float q) { return -q / y; }, constant_divisor ? DigitalOps{0, 1, 0} : cost::kDivide);
}

const bool registered = register_operator(
    {"Div", "a / b with broadcasting; a mult per element (constant b) or a reciprocal and a mult", make, ""});

}  // namespace
}  // namespace cimsim::models
