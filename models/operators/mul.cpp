// Mul with numpy broadcasting (gates, squeeze-excite scaling, layer-norm scale).

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"Mul", "a * b with broadcasting; a mult per output element",
     [](const OperatorArgs& a) {
       return std::make_unique<BinaryOperator>(
           a, [](float x, float y) { return x * y; }, [](float, float y, float) { return y; },
           [](float x, float, float) { return x; }, DigitalOps{0, 1, 0});
     },
     ""});

}  // namespace
}  // namespace cimsim::models
