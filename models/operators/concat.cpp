// Concat along any axis but the batch's; constants take part when they stand for one copy per
// sample (a class token expanded over the batch). Moves data only.

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class Concat final : public MoveOperator {
 public:
  explicit Concat(const OperatorArgs& a) {
    if (a.inputs.empty()) a.fail("", "has no inputs");
    std::size_t first = a.inputs.size();
    for (std::size_t k = 0; k < a.inputs.size(); ++k) {
      const OperatorInput& in = a.inputs[k];
      if (in.kind == OperatorInput::Kind::Absent) a.fail("", "input " + std::to_string(k) + " is missing");
      if (in.kind == OperatorInput::Kind::Constant && !in.per_sample)
        a.fail("", "input " + std::to_string(k) + " is a constant that does not repeat per sample; concatenation needs one per sample");
      if (first == a.inputs.size()) first = k;
    }
    const Dims& d0 = a.inputs[first].dims;
    const auto rank = static_cast<std::int64_t>(d0.size());
    axis_ = a.axis(a.integer("axis", 0), rank, "axis");
    out_ = d0;
    out_[static_cast<std::size_t>(axis_)] = 0;
    std::vector<std::int64_t> offset;
    for (const OperatorInput& in : a.inputs) {
      bool fits = static_cast<std::int64_t>(in.dims.size()) == rank;
      for (std::size_t k = 0; fits && k < in.dims.size(); ++k) fits = k == static_cast<std::size_t>(axis_) || in.dims[k] == d0[k];
      if (!fits) a.fail("", "cannot concatenate " + dims_text(in.dims) + " with " + dims_text(d0) + " along axis " + std::to_string(axis_));
      offset.push_back(out_[static_cast<std::size_t>(axis_)]);
      out_[static_cast<std::size_t>(axis_)] += in.dims[static_cast<std::size_t>(axis_)];
    }
    checked_elements(out_, a);
    which_.resize(static_cast<std::size_t>(element_count(out_)));
    index_.resize(which_.size());
    for_each_position(out_, [&](const Dims& pos, std::int64_t i) {
      const std::int64_t c = pos[static_cast<std::size_t>(axis_)];
      std::size_t k = 0;
      while (k + 1 < offset.size() && c >= offset[k + 1]) ++k;
      Dims p = pos;
      p[static_cast<std::size_t>(axis_)] = c - offset[k];
      which_[static_cast<std::size_t>(i)] = static_cast<int>(k);
      index_[static_cast<std::size_t>(i)] = flat_index(p, strides_of(a.inputs[k].dims));
    });
    bind(a);
  }

  int batch_axis(const std::vector<int>& axes) const override {
    for (int b : axes)
      if (b != axes.front() || b == axis_ || b < 0) return -1;
    return axes.front();
  }

 private:
  std::int64_t axis_ = 0;
};

const bool registered = register_operator(
    {"Concat", "joins tensors along an axis; data movement only", [](const OperatorArgs& a) { return std::make_unique<Concat>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
