// Add with numpy broadcasting (residual sums of different shapes, biases, squeeze-excite).

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"Add", "a + b with broadcasting; an add per output element",
     [](const OperatorArgs& a) {
       return std::make_unique<BinaryOperator>(
           a, [](float x, float y) { return x + y; }, [](float, float, float) { return 1.0f; },
           [](float, float, float) { return 1.0f; }, DigitalOps{1, 0, 0});
     },
     ""});

}  // namespace
}  // namespace cimsim::models
