#include "sim/workload/sign_analysis.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace cimsim::workload {

namespace {

// Digital operators whose output is never negative.
const std::set<std::string>& always_nonnegative() {
  static const std::set<std::string> types = {"Sigmoid", "Softmax", "HardSigmoid", "Exp"};
  return types;
}
// Operators whose output is made of their flows' values only (an Add or Mul operator may hold a
// constant of either sign, so they are not here).
const std::set<std::string>& keeps_nonnegative() {
  static const std::set<std::string> types = {"Slice", "Transpose", "Expand", "ReduceMax", "ReduceMean", "ReduceSum"};
  return types;
}

bool activation_nonnegative(const Activation& a) {
  return a.kind == Activation::Kind::Relu || (a.kind == Activation::Kind::Clip && a.lo >= 0.0f);
}

}  // namespace

std::vector<bool> nonnegative_outputs(const Network& net) {
  std::vector<bool> out(net.layers.size(), false);
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    // A model's own output quantizer may clamp below its zero point: no proof through it.
    if (l.output_quant) continue;
    if (activation_nonnegative(l.activation)) {
      out[i] = true;
      continue;
    }
    const bool inputs_nonnegative = !l.inputs.empty() && std::all_of(l.inputs.begin(), l.inputs.end(), [&](int p) {
      return p != Layer::kNetworkInput && out[static_cast<std::size_t>(p)];
    });
    switch (l.op) {
      case Op::Dense:
      case Op::Conv: break;  // weights and biases of either sign
      case Op::MaxPool:
      case Op::AvgPool:  // pads count as zeros
      case Op::GlobalAvgPool:
      case Op::Add:
      case Op::Concat:
      case Op::Flatten:
      case Op::Identity: out[i] = inputs_nonnegative; break;
      case Op::Operator:
        out[i] = always_nonnegative().count(l.op_type) != 0 ||
                 (inputs_nonnegative && keeps_nonnegative().count(l.op_type) != 0);
        break;
    }
  }
  return out;
}

}  // namespace cimsim::workload
