// Reciprocal: y = 1/x.

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"Reciprocal", "1/x by two Newton-Raphson steps from a table seed",
     [](const OperatorArgs& a) {
       return std::make_unique<UnaryOperator>(
           a, [](float x) { return 1.0f / x; }, [](float, float y) { return -y * y; }, cost::kRecip);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
