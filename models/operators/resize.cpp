// Resize (opset 11 on): nearest or (multi)linear resampling of each axis to `sizes` or by
// `scales`, as PyTorch's F.interpolate and nn.Upsample export it (segmentation heads, feature
// pyramids, decoders). Each output coordinate maps to an input coordinate by the node's
// coordinate_transformation_mode; nearest takes the input element nearest_mode names, linear
// blends the two around it, indices clamped to the axis (ONNX's edge rule). Linear resampling of
// several axes is done one axis after another: the same multilinear value, costing per output
// element of each linear pass two mults and an add. Cubic, antialiasing, crop-and-resize and
// aspect-ratio policies are refused.

#include <algorithm>
#include <cmath>

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

// Where output coordinate x of an axis resized from `in` to `out` elements (scale s) reads.
using Transform = double (*)(double x, double s, std::int64_t in, std::int64_t out);

Transform transform_of(const std::string& mode, const OperatorArgs& a) {
  if (mode == "half_pixel") return [](double x, double s, std::int64_t, std::int64_t) { return (x + 0.5) / s - 0.5; };
  if (mode == "pytorch_half_pixel")
    return [](double x, double s, std::int64_t, std::int64_t out) { return out > 1 ? (x + 0.5) / s - 0.5 : 0.0; };
  if (mode == "align_corners")
    return [](double x, double, std::int64_t in, std::int64_t out) {
      return out == 1 ? 0.0 : x * static_cast<double>(in - 1) / static_cast<double>(out - 1);
    };
  if (mode == "asymmetric") return [](double x, double s, std::int64_t, std::int64_t) { return x / s; };
  if (mode == "tf_half_pixel_for_nn") return [](double x, double s, std::int64_t, std::int64_t) { return (x + 0.5) / s; };
  a.fail("coordinate_transformation_mode",
         "'" + mode + "' is not supported (half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn)");
}

// The input index nearest_mode picks for coordinate x.
std::int64_t nearest(double x, const std::string& mode) {
  if (mode == "floor") return static_cast<std::int64_t>(std::floor(x));
  if (mode == "ceil") return static_cast<std::int64_t>(std::ceil(x));
  const double f = std::floor(x);
  if (x - f != 0.5) return static_cast<std::int64_t>(std::round(x));
  return static_cast<std::int64_t>(mode == "round_prefer_ceil" ? f + 1 : f);
}

class Resize final : public Operator {
 public:
  explicit Resize(const OperatorArgs& a) {
    if (a.opset < 11) a.fail("", "Resize before opset 11 is not supported (export with opset 11 or later)");
    in_ = a.activation(0, "X").dims;
    const auto rank = in_.size();
    const std::string mode = a.text("mode", "nearest");
    if (mode != "nearest" && mode != "linear") a.fail("mode", "'" + mode + "' is not supported (nearest, linear)");
    if (a.integer("antialias", 0) != 0) a.fail("antialias", "antialiasing is not supported");
    if (a.text("keep_aspect_ratio_policy", "stretch") != "stretch")
      a.fail("keep_aspect_ratio_policy", "only stretch is supported");
    if (a.has("axes")) a.fail("axes", "is not supported: give scales or sizes for every axis");
    const Transform to_input = transform_of(a.text("coordinate_transformation_mode", "half_pixel"), a);
    const std::string nearest_mode = a.text("nearest_mode", "round_prefer_floor");
    if (nearest_mode != "round_prefer_floor" && nearest_mode != "round_prefer_ceil" && nearest_mode != "floor" &&
        nearest_mode != "ceil")
      a.fail("nearest_mode", "'" + nearest_mode + "' is not supported");
    const bool has_scales = a.present(2) && !a.constant(2, "scales").values.empty();
    const bool has_sizes = a.present(3) && !a.constant(3, "sizes").values.empty();
    if (has_scales == has_sizes) a.fail("", "needs exactly one of scales and sizes");
    const std::vector<double>& given = a.constant(has_scales ? 2 : 3, has_scales ? "scales" : "sizes").values;
    if (given.size() != rank)
      a.fail("", std::string(has_scales ? "scales" : "sizes") + " has " + std::to_string(given.size()) +
                     " entries for a rank-" + std::to_string(rank) + " input");
    out_ = in_;
    std::vector<double> scale(rank);
    for (std::size_t d = 0; d < rank; ++d) {
      if (!(given[d] > 0) || !std::isfinite(given[d]))
        a.fail("", std::string(has_scales ? "scales" : "sizes") + " must be positive (axis " + std::to_string(d) + ")");
      if (has_scales) {
        scale[d] = given[d];
        out_[d] = saturated_int(std::floor(static_cast<double>(in_[d]) * given[d]));
      } else {
        out_[d] = saturated_int(given[d]);
        scale[d] = static_cast<double>(out_[d]) / static_cast<double>(in_[d]);
      }
    }
    checked_elements(out_, a);
    if (element_count(out_) == 0) a.fail("", "gives an empty tensor " + dims_text(out_));
    // One pass per resized axis: for each output coordinate, the two input indices and the weight
    // of the second (nearest: one index, weight 0).
    for (std::size_t d = 0; d < rank; ++d) {
      Pass p;
      p.axis = d;
      for (std::int64_t x = 0; x < out_[d]; ++x) {
        const double c = to_input(static_cast<double>(x), scale[d], in_[d], out_[d]);
        std::int64_t i0, i1;
        float w1 = 0.0f;
        if (mode == "nearest") {
          i0 = i1 = std::clamp<std::int64_t>(nearest(c, nearest_mode), 0, in_[d] - 1);
        } else {
          const double f = std::floor(c);
          w1 = static_cast<float>(c - f);
          i0 = std::clamp<std::int64_t>(static_cast<std::int64_t>(f), 0, in_[d] - 1);
          i1 = std::clamp<std::int64_t>(static_cast<std::int64_t>(f) + 1, 0, in_[d] - 1);
        }
        p.first.push_back(i0);
        p.second.push_back(i1);
        p.weight.push_back(w1);
      }
      p.linear = mode == "linear";
      // An axis every output coordinate copies (same length, each reading its own element) needs no pass.
      bool copies = out_[d] == in_[d];
      for (std::int64_t x = 0; x < out_[d] && copies; ++x) {
        const auto at = static_cast<std::size_t>(x);
        copies = p.first[at] == x && (p.weight[at] == 0.0f || p.second[at] == x);
      }
      if (!copies) passes_.push_back(std::move(p));
    }
  }

  Dims output_dims() const override { return out_; }

  int batch_axis(const std::vector<int>& axes) const override {
    const int b = axes.at(0);
    if (b < 0) return -1;
    for (const Pass& p : passes_)
      if (p.axis == static_cast<std::size_t>(b)) return -1;
    return b;
  }

  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override {
    OperatorBatch x = *inputs.at(0);
    Dims dims = in_;
    for (const Pass& p : passes_) {
      // dims as (outer, axis, inner): each output slice along the axis from one or two input ones.
      std::int64_t outer = 1, inner = 1;
      for (std::size_t k = 0; k < p.axis; ++k) outer *= dims[k];
      for (std::size_t k = p.axis + 1; k < dims.size(); ++k) inner *= dims[k];
      const std::int64_t n_in = dims[p.axis], n_out = static_cast<std::int64_t>(p.first.size());
      OperatorBatch y(outer * n_out * inner, x.cols());
      for (std::int64_t o = 0; o < outer; ++o)
        for (std::int64_t c = 0; c < n_out; ++c) {
          const auto at = static_cast<std::size_t>(c);
          const auto to = (o * n_out + c) * inner;
          const auto a = (o * n_in + p.first[at]) * inner, b = (o * n_in + p.second[at]) * inner;
          const float w1 = p.weight[at];
          if (!p.linear || w1 == 0.0f) y.middleRows(to, inner) = x.middleRows(a, inner);
          else y.middleRows(to, inner) = (1.0f - w1) * x.middleRows(a, inner) + w1 * x.middleRows(b, inner);
        }
      dims[p.axis] = n_out;
      x = std::move(y);
    }
    return x;
  }

  DigitalOps cost() const override {
    DigitalOps ops;
    Dims dims = in_;
    for (const Pass& p : passes_) {
      dims[p.axis] = static_cast<std::int64_t>(p.first.size());
      if (p.linear) ops += DigitalOps{1, 2, 0} * element_count(dims);
    }
    return ops;
  }

 private:
  struct Pass {
    std::size_t axis = 0;
    bool linear = false;
    std::vector<std::int64_t> first, second;
    std::vector<float> weight;  // of `second`
  };
  Dims in_, out_;
  std::vector<Pass> passes_;
};

const bool registered = register_operator(
    {"Resize", "nearest or linear resampling to sizes or by scales; two mults and an add per element of each linear pass",
     [](const OperatorArgs& a) { return std::make_unique<Resize>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
