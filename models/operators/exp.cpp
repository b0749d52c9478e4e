// Exp: y = e^x.

#include <cmath>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"Exp", "e^x by Cody-Waite range reduction and a degree-6 polynomial",
     [](const OperatorArgs& a) {
       return std::make_unique<UnaryOperator>(
           a, [](float x) { return std::exp(x); }, [](float, float y) { return y; }, cost::kExp);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
