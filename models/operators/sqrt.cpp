// Sqrt: y = √x (NaN below zero, as in ONNX).

#include <cmath>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"Sqrt", "square root as x*rsqrt(x) (Newton-Raphson reciprocal square root)",
     [](const OperatorArgs& a) {
       return std::make_unique<UnaryOperator>(
           a, [](float x) { return std::sqrt(x); }, [](float, float y) { return 0.5f / y; }, cost::kSqrt);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
