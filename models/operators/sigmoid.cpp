// Sigmoid: y = 1 / (1 + e^(−x)).

#include <cmath>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"Sigmoid", "1/(1 + e^-x); exp, one add and a reciprocal per element",
     [](const OperatorArgs& a) {
       return std::make_unique<UnaryOperator>(
           a, [](float x) { return 1.0f / (1.0f + std::exp(-x)); }, [](float, float y) { return y * (1.0f - y); },
           cost::kSigmoid);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
