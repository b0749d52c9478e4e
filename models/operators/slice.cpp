// Slice: starts, ends, axes and steps (inputs from opset 10, attributes before), clamped as ONNX
// prescribes; negative steps walk backwards. Moves data only. The batch axis may only be taken
// whole (start 0, end past any size, step 1).

#include <algorithm>
#include <limits>

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class Slice final : public MoveOperator {
 public:
  explicit Slice(const OperatorArgs& a) {
    const Dims in = a.activation(0, "data").dims;
    const auto rank = static_cast<std::int64_t>(in.size());
    std::vector<std::int64_t> starts, ends, axes, steps;
    auto ints_of = [&](std::size_t k, const char* what) {
      return a.present(k) ? a.constant_integers(k, what) : std::vector<std::int64_t>{};
    };
    if (a.opset >= 10) {
      starts = ints_of(1, "starts");
      ends = ints_of(2, "ends");
      axes = ints_of(3, "axes");
      steps = ints_of(4, "steps");
    } else {
      starts = a.integers("starts");
      ends = a.integers("ends");
      axes = a.integers("axes");
    }
    if (starts.size() != ends.size()) a.fail("ends", "starts and ends differ in length");
    if (axes.empty())
      for (std::size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<std::int64_t>(k));
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (axes.size() != starts.size() || steps.size() != starts.size())
      a.fail("axes", "starts, ends, axes and steps differ in length");
    first_.assign(in.size(), 0);
    step_.assign(in.size(), 1);
    whole_.assign(in.size(), true);
    out_ = in;
    std::vector<bool> seen(in.size(), false);
    for (std::size_t k = 0; k < starts.size(); ++k) {
      const auto ax = static_cast<std::size_t>(a.axis(axes[k], rank, "axes"));
      if (seen[ax]) a.fail("axes", "names axis " + std::to_string(ax) + " twice");
      seen[ax] = true;
      const std::int64_t d = in[ax], step = steps[k];
      if (step == 0) a.fail("steps", "a step of 0 is not allowed");
      whole_[ax] = starts[k] == 0 && step == 1 && ends[k] >= std::numeric_limits<std::int32_t>::max();
      std::int64_t s = starts[k] < 0 ? starts[k] + d : starts[k];
      std::int64_t e = ends[k] < 0 && ends[k] > std::numeric_limits<std::int64_t>::min() / 2 ? ends[k] + d : ends[k];
      if (step > 0) {
        s = std::clamp<std::int64_t>(s, 0, d);
        e = std::clamp<std::int64_t>(e, 0, d);
        out_[ax] = e > s ? (e - s + step - 1) / step : 0;
      } else {
        s = std::clamp<std::int64_t>(s, 0, d - 1);
        e = std::clamp<std::int64_t>(e, -1, d - 1);
        out_[ax] = s > e ? (s - e + (-step) - 1) / (-step) : 0;
      }
      first_[ax] = s;
      step_[ax] = step;
    }
    // An empty result is allowed here: constant folding meets one (the tail of a shape, x.shape[2:]
    // of a 2-D tensor), and the importer refuses an empty computed tensor for every operator alike.
    const Dims in_strides = strides_of(in);
    which_.assign(static_cast<std::size_t>(element_count(out_)), 0);
    index_.resize(which_.size());
    for_each_position(out_, [&](const Dims& pos, std::int64_t i) {
      std::int64_t at = 0;
      for (std::size_t k = 0; k < pos.size(); ++k) at += (first_[k] + pos[k] * step_[k]) * in_strides[k];
      index_[static_cast<std::size_t>(i)] = at;
    });
    bind(a);
  }

  int batch_axis(const std::vector<int>& axes) const override {
    const int b = axes.at(0);
    return b >= 0 && whole_[static_cast<std::size_t>(b)] ? b : -1;
  }

 private:
  Dims first_, step_;
  std::vector<bool> whole_;
};

const bool registered = register_operator(
    {"Slice", "selects a strided box of a tensor; data movement only",
     [](const OperatorArgs& a) { return std::make_unique<Slice>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
