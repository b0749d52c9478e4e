// LogSoftmax: y = x − max − ln Σ e^(x − max) along an axis.

#include "models/operators/softmax.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"LogSoftmax", "x - max - ln(sum e^(x - max)) along an axis; per element an exp and two subtractions",
     [](const OperatorArgs& a) { return std::make_unique<SoftmaxOperator>(a, true); }, ""});

}  // namespace
}  // namespace cimsim::models
