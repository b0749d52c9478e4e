// Erf: the error function (GELU's exact form divides by √2, takes erf, adds 1 and multiplies).

#include <cmath>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const float kTwoOverSqrtPi = 1.1283791670955126f;

const bool registered = register_operator(
    {"Erf", "error function by Abramowitz & Stegun 7.1.26 (a reciprocal, exp and a degree-5 polynomial)",
     [](const OperatorArgs& a) {
       return std::make_unique<UnaryOperator>(
           a, [](float x) { return std::erf(x); }, [](float x, float) { return kTwoOverSqrtPi * std::exp(-x * x); },
           cost::kErf);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
