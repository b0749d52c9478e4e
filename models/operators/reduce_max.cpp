// ReduceMax: the max over the axes (from input 1 from opset 18 on).

#include "models/operators/reduce.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"ReduceMax", "maximum over axes; a compare per reduced element",
     [](const OperatorArgs& a) {
       return std::make_unique<ReduceOperator>(a, ReduceOperator::Kind::Max, a.opset >= 18);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
