// Gather with constant indices (x[:, 0], picking a time step): output = data[..., indices, ...]
// along `axis`; negative indices count from the end. Moves data only.

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class Gather final : public MoveOperator {
 public:
  explicit Gather(const OperatorArgs& a) {
    const Dims in = a.activation(0, "data").dims;
    const OperatorInput& idx = a.constant(1, "indices");
    const auto rank = static_cast<std::int64_t>(in.size());
    axis_ = a.axis(a.integer("axis", 0), rank, "axis");
    index_rank_ = static_cast<std::int64_t>(idx.dims.size());
    const std::int64_t d = in[static_cast<std::size_t>(axis_)];
    std::vector<std::int64_t> picks;
    for (std::int64_t p : a.constant_integers(1, "indices")) {
      if (p < -d || p >= d) a.fail("", "index " + std::to_string(p) + " is outside an axis of " + std::to_string(d));
      picks.push_back(p < 0 ? p + d : p);
    }
    out_.assign(in.begin(), in.begin() + axis_);
    out_.insert(out_.end(), idx.dims.begin(), idx.dims.end());
    out_.insert(out_.end(), in.begin() + axis_ + 1, in.end());
    checked_elements(out_, a);
    const Dims in_strides = strides_of(in);
    which_.assign(static_cast<std::size_t>(element_count(out_)), 0);
    index_.resize(which_.size());
    const Dims idx_strides = strides_of(idx.dims);
    for_each_position(out_, [&](const Dims& pos, std::int64_t i) {
      Dims p(pos.begin(), pos.begin() + axis_);
      std::int64_t j = 0;
      for (std::int64_t k = 0; k < index_rank_; ++k) j += pos[static_cast<std::size_t>(axis_ + k)] * idx_strides[static_cast<std::size_t>(k)];
      p.push_back(picks[static_cast<std::size_t>(j)]);
      p.insert(p.end(), pos.begin() + axis_ + index_rank_, pos.end());
      index_[static_cast<std::size_t>(i)] = flat_index(p, in_strides);
    });
    bind(a);
  }

  int batch_axis(const std::vector<int>& axes) const override {
    const int b = axes.at(0);
    if (b < 0 || b == axis_) return -1;
    return b < axis_ ? b : b + static_cast<int>(index_rank_) - 1;
  }

 private:
  std::int64_t axis_ = 0, index_rank_ = 0;
};

const bool registered = register_operator(
    {"Gather", "picks entries along an axis by constant indices; data movement only",
     [](const OperatorArgs& a) { return std::make_unique<Gather>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
