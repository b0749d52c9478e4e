// Operators that change how a sample's elements are indexed but not their order: Reshape,
// Flatten, Squeeze, Unsqueeze, and Identity, Dropout and float Casts that change nothing at all.
// They become a layer that moves nothing (or no layer when one sample's shape stays the same);
// the batch must stay a factor of its own (layout.hpp). Split becomes one Slice per output.

#include <onnx/onnx_pb.h>

#include "sim/workload/onnx/fold_math.hpp"
#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

void Importer::reshape_like(const Node& n) {
  const Flow& x = need_flow(n, 0, "data");
  const std::string& op = n.op;
  if (op == "Identity" || op == "Dropout" || op == "Cast") {
    // In training mode a ratio of 0 still drops nothing and scales by 1 (torchvision's Swin
    // Transformer exports its attention dropout so); any other ratio would be random.
    if (op == "Dropout" && present(n, 2) && need_constant(n, 2, "training_mode").values.at(0) != 0 &&
        (!present(n, 1) || need_constant(n, 1, "ratio").values.at(0) != 0))
      fail(n, "training_mode is on with a ratio other than 0; only inference is simulated");
    if (op == "Dropout" && n.outputs.size() > 1 && !n.outputs[1].empty() && reader_count(n.outputs[1]) > 0)
      fail(n, "the mask output is not supported");
    if (op == "Cast") {
      const auto to = int_attr(n, "to", onnx::TensorProto::FLOAT, 0, 64);
      if (!dtype_is_float(static_cast<int>(to)))
        fail_attribute(n, "to", "casts computed values to " + dtype_name(static_cast<int>(to)) +
                                    "; only float casts are supported outside a QuantizeLinear/DequantizeLinear pair");
    }
    set_flow(n.outputs.front(), x);
    return;
  }
  const Layout& in = x.layout;
  Layout out;
  try {
    if (op == "Reshape") {
      out = reshape(in, symbolic_values(need_constant(n, 1, "shape")), int_attr(n, "allowzero", 0, 0, 1) != 0);
    } else if (op == "Flatten") {
      const auto rank = static_cast<std::int64_t>(in.dims.size());
      std::int64_t axis = int_attr(n, "axis", 1, -rank, rank);
      if (axis < 0) axis += rank;
      SymDim a{0, 1}, b{0, 1};
      const auto dims = in.symbolic_dims();
      auto on_error = [&](const std::string& w) { fail(n, w); };
      for (std::int64_t k = 0; k < rank; ++k)
        (k < axis ? a : b) = fold_math::multiply(k < axis ? a : b, dims[static_cast<std::size_t>(k)], on_error);
      out = reshape(in, {a, b}, false);
    } else {
      std::vector<std::int64_t> axes;
      if (opset() >= 13) {
        if (present(n, 1))
          for (double v : need_constant(n, 1, "axes").values) axes.push_back(models::saturated_int(v));
      } else {
        axes = ints_attr(n, "axes", INT64_MIN / 2, INT64_MAX / 2);
      }
      const auto rank = static_cast<std::int64_t>(in.dims.size());
      out = in;
      auto on_error = [&](const std::string& w) { fail(n, w); };
      if (op == "Squeeze") {
        if (axes.empty())
          for (std::int64_t k = 0; k < rank; ++k)
            if (in.dims[static_cast<std::size_t>(k)] == 1 && k != in.axis) axes.push_back(k);
        for (auto& a : axes) {
          if (a < -rank || a >= rank) fail_attribute(n, "axes", std::to_string(a) + " is outside the rank " + std::to_string(rank));
          if (a < 0) a += rank;
          if (a == in.axis) fail(n, "squeezes the batch axis");
        }
        out.dims = fold_math::squeeze_dims(in.dims, axes, false, on_error);
        for (auto a : axes) out.axis -= a < in.axis ? 1 : 0;
      } else {
        out.dims = fold_math::squeeze_dims(in.dims, axes, true, on_error);
        const auto out_rank = static_cast<std::int64_t>(out.dims.size());
        // The batch axis is the in.axis-th axis not inserted.
        int seen = -1;
        for (std::int64_t k = 0; k < out_rank; ++k) {
          bool inserted = false;
          for (auto a : axes) inserted = inserted || (a < 0 ? a + out_rank : a) == k;
          if (!inserted && ++seen == in.axis) out.axis = static_cast<int>(k);
        }
      }
    }
  } catch (const std::invalid_argument& e) {
    fail(n, e.what());
  }
  if (out.sample() == in.sample()) {
    Flow f = x;
    f.layout = out;
    set_flow(n.outputs.front(), f);
    return;
  }
  Layer layer;
  layer.op = Op::Flatten;
  layer.reshape_to = out.sample();
  const auto quant = x.quant;
  add_layer(std::move(layer), n, {&x}, n.outputs.front(), out);
  flow(n.outputs.front())->quant = quant;  // moving elements keeps them on their grid
}

std::string Importer::int_list(const std::string& name, std::int64_t v) {
  Tensor t;
  t.dtype = onnx::TensorProto::INT64;
  t.dims = {1};
  t.values = {static_cast<double>(v)};
  set_constant(name, t);
  return name;
}

void Importer::split(const Node& n) {
  const Flow& x = need_flow(n, 0, "input");
  const auto rank = static_cast<std::int64_t>(x.layout.dims.size());
  std::int64_t axis = int_attr(n, "axis", 0, -rank, rank - 1);
  if (axis < 0) axis += rank;
  const std::int64_t total = x.layout.dims[static_cast<std::size_t>(axis)];
  std::vector<std::int64_t> sizes;
  if (opset() >= 13 && present(n, 1)) {
    for (double v : need_constant(n, 1, "split").values) sizes.push_back(models::saturated_int(v));
  } else if (opset() < 13) {
    sizes = ints_attr(n, "split", 0, total);
  }
  const auto parts = static_cast<std::int64_t>(n.outputs.size());
  if (sizes.empty()) {
    const std::int64_t each = (total + parts - 1) / parts;
    for (std::int64_t k = 0; k < parts; ++k) sizes.push_back(std::min(each, total - k * each));
  }
  std::int64_t sum = 0;
  for (auto s : sizes) {
    if (s < 0) fail(n, "a split size is negative");
    sum += s;
  }
  if (static_cast<std::int64_t>(sizes.size()) != parts || sum != total)
    fail(n, "split sizes do not add up to the axis (" + std::to_string(total) + ") over " + std::to_string(parts) + " outputs");
  std::int64_t begin = 0;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const std::string base = n.name + "#split" + std::to_string(k);
    Node slice = n;
    slice.op = "Split";
    slice.inputs = {n.inputs[0], int_list(base + ":starts", begin), int_list(base + ":ends", begin + sizes[k]),
                    int_list(base + ":axes", axis)};
    slice.outputs = {n.outputs[k]};
    slice.attributes.clear();
    begin += sizes[k];
    if (n.outputs[k].empty() || reader_count(n.outputs[k]) == 0) continue;
    make_operator(slice, "Slice", 13);
  }
}

}  // namespace cimsim::workload::onnx_import
