// HardSwish (opset 14): y = x · max(0, min(1, x/6 + 1/2)).

#include <algorithm>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

float hard_sigmoid(float x) { return std::clamp(x / 6.0f + 0.5f, 0.0f, 1.0f); }

const bool registered = register_operator(
    {"HardSwish", "x*clip(x/6 + 1/2, 0, 1); two mults, an add and two compares per element",
     [](const OperatorArgs& a) {
       return std::make_unique<UnaryOperator>(
           a, [](float x) { return x * hard_sigmoid(x); },
           [](float x, float) { return x <= -3.0f ? 0.0f : x >= 3.0f ? 1.0f : x / 3.0f + 0.5f; }, DigitalOps{1, 2, 2});
     },
     ""});

}  // namespace
}  // namespace cimsim::models
