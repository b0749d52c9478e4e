// ScatterND with constant indices (torchvision's Swin Transformer builds its shifted-window
// attention masks with it): a copy of `data` in which each slice that an index tuple names is
// replaced by the matching slice of `updates`. Negative indices count from the end; a slice named
// twice keeps its last update, as the ONNX reference applies them in order. Moves data only, so
// the reductions of opset 16 on (add, mul, max, min) are refused.

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class ScatterND final : public MoveOperator {
 public:
  explicit ScatterND(const OperatorArgs& a) {
    const std::string reduction = a.text("reduction", "none");
    if (reduction != "none") a.fail("reduction", "'" + reduction + "' is not supported (only none: a data movement)");
    for (std::size_t k : {std::size_t{0}, std::size_t{2}})
      if (!a.present(k)) a.fail("", std::string(k == 0 ? "data" : "updates") + " is missing");
    const OperatorInput& data = a.inputs[0];
    const OperatorInput& idx = a.constant(1, "indices");
    const OperatorInput& updates = a.inputs[2];
    const Dims& d = data.dims;
    const auto r = static_cast<std::int64_t>(d.size());
    const auto q = static_cast<std::int64_t>(idx.dims.size());
    if (q < 1 || r < 1) a.fail("", "data and indices must have at least one axis");
    tuple_ = idx.dims.back();
    if (tuple_ < 1 || tuple_ > r)
      a.fail("", "index tuples of " + std::to_string(tuple_) + " entries into data of rank " + std::to_string(r));
    // updates: indices' leading axes, then data's axes past those the tuples name.
    Dims expected(idx.dims.begin(), idx.dims.end() - 1);
    expected.insert(expected.end(), d.begin() + tuple_, d.end());
    if (updates.dims != expected)
      a.fail("", "updates are " + dims_text(updates.dims) + ", not " + dims_text(expected) + " (indices " +
                     dims_text(idx.dims) + ", data " + dims_text(d) + ")");
    out_ = d;
    checked_elements(out_, a);
    which_.assign(static_cast<std::size_t>(element_count(out_)), 0);
    index_.resize(which_.size());
    for (std::size_t i = 0; i < index_.size(); ++i) index_[i] = static_cast<std::int64_t>(i);
    const Dims strides = strides_of(d);
    const std::int64_t slice = strides[static_cast<std::size_t>(tuple_ - 1)];  // elements a tuple names
    const std::int64_t tuples = element_count(idx.dims) / tuple_;
    const std::vector<std::int64_t> indices = a.constant_integers(1, "indices");
    for (std::int64_t t = 0; t < tuples; ++t) {
      std::int64_t at = 0;
      for (std::int64_t k = 0; k < tuple_; ++k) {
        const std::int64_t v = indices[static_cast<std::size_t>(t * tuple_ + k)];
        const std::int64_t n = d[static_cast<std::size_t>(k)];
        if (v < -n || v >= n)
          a.fail("", "index " + std::to_string(v) + " is outside axis " + std::to_string(k) + " of " + std::to_string(n));
        at += (v < 0 ? v + n : v) * strides[static_cast<std::size_t>(k)];
      }
      for (std::int64_t e = 0; e < slice; ++e) {
        which_[static_cast<std::size_t>(at + e)] = 2;
        index_[static_cast<std::size_t>(at + e)] = t * slice + e;
      }
    }
    updates_axis_offset_ = q - 1 - tuple_;
    updates_activation_ = updates.kind == OperatorInput::Kind::Activation;
    data_activation_ = data.kind == OperatorInput::Kind::Activation;
    bind(a);
  }

  // The batch stays on its axis when the tuples do not index it and, for computed updates, it
  // sits on the matching axis of updates.
  int batch_axis(const std::vector<int>& axes) const override {
    std::size_t k = 0;
    const int b = data_activation_ ? axes.at(k++) : -1;
    const int u = updates_activation_ ? axes.at(k) : -1;
    if (data_activation_ && (b < tuple_)) return -1;
    if (!updates_activation_) return b;
    if (u < 0) return -1;
    const std::int64_t data_axis = u - updates_axis_offset_;
    if (data_axis < tuple_ || (data_activation_ && data_axis != b)) return -1;
    return static_cast<int>(data_axis);
  }

 private:
  std::int64_t tuple_ = 0, updates_axis_offset_ = 0;
  bool data_activation_ = false, updates_activation_ = false;
};

const bool registered = register_operator(
    {"ScatterND", "replaces the slices of data that constant index tuples name by updates; data movement only",
     [](const OperatorArgs& a) { return std::make_unique<ScatterND>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
