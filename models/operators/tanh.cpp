// Tanh: y = tanh(x), evaluated as 2·σ(2x) − 1.

#include <cmath>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"Tanh", "tanh(x) as 2*sigmoid(2x) - 1; a sigmoid, two mults and an add per element",
     [](const OperatorArgs& a) {
       return std::make_unique<UnaryOperator>(
           a, [](float x) { return std::tanh(x); }, [](float, float y) { return 1.0f - y * y; }, cost::kTanh);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
