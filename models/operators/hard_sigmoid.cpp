// HardSigmoid: y = max(0, min(1, α·x + β)); PyTorch exports α = 1/6, β = 1/2.

#include <algorithm>

#include "models/operators/elementwise.hpp"

namespace cimsim::models {
namespace {

std::unique_ptr<Operator> make(const OperatorArgs& a) {
  const float alpha = static_cast<float>(a.real("alpha", 0.2)), beta = static_cast<float>(a.real("beta", 0.5));
  return std::make_unique<UnaryOperator>(
      a, [=](float x) { return std::clamp(alpha * x + beta, 0.0f, 1.0f); },
      [=](float x, float) {
        const float v = alpha * x + beta;
        return v > 0.0f && v < 1.0f ? alpha : 0.0f;
      },
      DigitalOps{1, 1, 2});
}

const bool registered =
    register_operator({"HardSigmoid", "clip(alpha*x + beta, 0, 1); a mult, an add and two compares per element", make, ""});

}  // namespace
}  // namespace cimsim::models
