// Transpose: permutes the axes (reverses them when `perm` is absent). Moves data only.

#include <numeric>

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class Transpose final : public MoveOperator {
 public:
  explicit Transpose(const OperatorArgs& a) {
    const Dims in = a.activation(0, "data").dims;
    const auto rank = static_cast<std::int64_t>(in.size());
    perm_ = a.integers("perm");
    if (perm_.empty()) {
      perm_.resize(in.size());
      std::iota(perm_.rbegin(), perm_.rend(), 0);
    }
    if (static_cast<std::int64_t>(perm_.size()) != rank)
      a.fail("perm", "has " + std::to_string(perm_.size()) + " entries for a rank-" + std::to_string(rank) + " tensor");
    std::vector<bool> seen(in.size(), false);
    for (auto& p : perm_) {
      p = a.axis(p, rank, "perm");
      if (seen[static_cast<std::size_t>(p)]) a.fail("perm", "is not a permutation");
      seen[static_cast<std::size_t>(p)] = true;
      out_.push_back(in[static_cast<std::size_t>(p)]);
    }
    const Dims in_strides = strides_of(in);
    which_.assign(static_cast<std::size_t>(element_count(out_)), 0);
    index_.resize(which_.size());
    for_each_position(out_, [&](const Dims& pos, std::int64_t i) {
      std::int64_t at = 0;
      for (std::size_t k = 0; k < pos.size(); ++k) at += pos[k] * in_strides[static_cast<std::size_t>(perm_[k])];
      index_[static_cast<std::size_t>(i)] = at;
    });
    bind(a);
  }

  int batch_axis(const std::vector<int>& axes) const override {
    for (std::size_t k = 0; k < perm_.size(); ++k)
      if (perm_[k] == axes.at(0)) return static_cast<int>(k);
    return -1;
  }

 private:
  std::vector<std::int64_t> perm_;
};

const bool registered = register_operator(
    {"Transpose", "permutes axes; data movement only", [](const OperatorArgs& a) { return std::make_unique<Transpose>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
