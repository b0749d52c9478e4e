// ReduceMean: the mean over the axes (from input 1 from opset 18 on).

#include "models/operators/reduce.hpp"

namespace cimsim::models {
namespace {

const bool registered = register_operator(
    {"ReduceMean", "mean over axes; an add per reduced element and a mult per output",
     [](const OperatorArgs& a) {
       return std::make_unique<ReduceOperator>(a, ReduceOperator::Kind::Mean, a.opset >= 18);
     },
     ""});

}  // namespace
}  // namespace cimsim::models
