// Pad: adds (or, when negative, removes) elements at both ends of each axis; the new elements
// are a constant, the mirror image (reflect) or the edge element (edge). Moves data only.

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class Pad final : public MoveOperator {
 public:
  explicit Pad(const OperatorArgs& a) {
    const Dims in = a.activation(0, "data").dims;
    const auto rank = static_cast<std::int64_t>(in.size());
    std::vector<std::int64_t> pads;
    if (a.opset >= 11) {
      pads = a.constant_integers(1, "pads");
      if (a.present(2)) {
        const auto& v = a.constant(2, "constant_value").values;
        fill_ = v.empty() ? 0.0f : static_cast<float>(v.front());
      }
    } else {
      pads = a.integers("pads");
      fill_ = static_cast<float>(a.real("value", 0.0));
    }
    std::vector<std::int64_t> axes;
    if (a.present(3))
      for (std::int64_t v : a.constant_integers(3, "axes")) axes.push_back(a.axis(v, rank, "axes"));
    else
      for (std::int64_t k = 0; k < rank; ++k) axes.push_back(k);
    if (pads.size() != 2 * axes.size())
      a.fail("pads", "has " + std::to_string(pads.size()) + " values; expected " + std::to_string(2 * axes.size()));
    mode_ = a.text("mode", "constant");
    if (mode_ != "constant" && mode_ != "reflect" && mode_ != "edge")
      a.fail("mode", "'" + mode_ + "' is not supported (constant, reflect, edge)");
    before_.assign(in.size(), 0);
    Dims after(in.size(), 0);
    for (std::size_t k = 0; k < axes.size(); ++k) {
      before_[static_cast<std::size_t>(axes[k])] = pads[k];
      after[static_cast<std::size_t>(axes[k])] = pads[k + axes.size()];
    }
    out_ = in;
    for (std::size_t k = 0; k < in.size(); ++k) {
      out_[k] = in[k] + before_[k] + after[k];
      if (out_[k] <= 0) a.fail("pads", "leave axis " + std::to_string(k) + " with no elements");
      if (mode_ == "reflect" && (before_[k] >= in[k] || after[k] >= in[k]) && (before_[k] > 0 || after[k] > 0))
        a.fail("pads", "reflect padding must be smaller than the axis (" + std::to_string(in[k]) + ")");
    }
    checked_elements(out_, a);
    padded_ = before_;
    for (std::size_t k = 0; k < in.size(); ++k) padded_[k] = before_[k] != 0 || after[k] != 0;
    const Dims in_strides = strides_of(in);
    which_.assign(static_cast<std::size_t>(element_count(out_)), 0);
    index_.assign(which_.size(), 0);
    for_each_position(out_, [&](const Dims& pos, std::int64_t i) {
      std::int64_t at = 0;
      for (std::size_t k = 0; k < pos.size(); ++k) {
        std::int64_t c = pos[k] - before_[k];
        if (c < 0 || c >= in[k]) {
          if (mode_ == "constant") {
            which_[static_cast<std::size_t>(i)] = -1;
            return;
          }
          c = mode_ == "edge" ? (c < 0 ? 0 : in[k] - 1) : (c < 0 ? -c : 2 * (in[k] - 1) - c);
        }
        at += c * in_strides[k];
      }
      index_[static_cast<std::size_t>(i)] = at;
    });
    bind(a);
  }

  int batch_axis(const std::vector<int>& axes) const override {
    const int b = axes.at(0);
    return b >= 0 && !padded_[static_cast<std::size_t>(b)] ? b : -1;
  }

 private:
  std::string mode_;
  Dims before_, padded_;
};

const bool registered = register_operator(
    {"Pad", "pads with a constant, a reflection or the edge; data movement only",
     [](const OperatorArgs& a) { return std::make_unique<Pad>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
