// ReduceSum: the sum over the axes (from input 1 from opset 13 on).

#include "models/operators/reduce.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"ReduceSum", "sum over axes; an add per reduced element",
     [](const OperatorArgs& a) {
       return std::make_unique<ReduceOperator>(a, ReduceOperator::Kind::Sum, a.opset >= 13);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
