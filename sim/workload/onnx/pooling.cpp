// Pooling (MaxPool, AveragePool with ceil_mode, padding and count_include_pad; 1-D and 2-D),
// global pooling, and the sliding-window attributes shared with Conv: every value checked before
// it is narrowed, so that a stride of 0 or of 2^32 is an error rather than a crash or a wrap.

#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

namespace {

constexpr std::int64_t kMaxExtent = std::int64_t{1} << 24;  // largest spatial size, kernel, stride, pad

}  // namespace

Window Importer::window_of(const Node& n, const Dims& dims, const Dims& kernel, bool conv) const {
  const std::size_t s = dims.size() - 2;  // spatial axes: 1 or 2
  if (kernel.size() != s)
    fail(n, "a " + std::to_string(kernel.size()) + "-D kernel on a " + std::to_string(s) + "-D input " + models::dims_text(dims));
  for (std::size_t k = 2; k < dims.size(); ++k)
    if (dims[k] > kMaxExtent) fail(n, "a spatial size of " + std::to_string(dims[k]) + " is larger than cimsim supports");
  for (auto k : kernel)
    if (k < 1 || k > kMaxExtent) fail_attribute(n, "kernel_shape", "holds " + std::to_string(k) + ", outside [1, " + std::to_string(kMaxExtent) + "]");
  auto list = [&](const char* name, std::int64_t lo, std::size_t count, std::int64_t fallback) {
    std::vector<std::int64_t> v = ints_attr(n, name, lo, kMaxExtent);
    if (v.empty()) v.assign(count, fallback);
    if (v.size() != count)
      fail_attribute(n, name, "has " + std::to_string(v.size()) + " values for " + std::to_string(count));
    return v;
  };
  const auto strides = list("strides", 1, s, 1);
  const auto dilations = list("dilations", 1, s, 1);
  auto pads = list("pads", 0, 2 * s, 0);
  const std::string auto_pad = string_attr(n, "auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    // Output size ceil(in / stride); the odd pad goes after (UPPER) or before (LOWER).
    for (std::size_t k = 0; k < s; ++k) {
      const std::int64_t in = dims[k + 2], out = (in + strides[k] - 1) / strides[k];
      const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * strides[k] + dilations[k] * (kernel[k] - 1) + 1 - in);
      pads[k] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[k + s] = total - pads[k];
    }
  } else if (auto_pad == "VALID") {
    std::fill(pads.begin(), pads.end(), 0);
  } else if (auto_pad != "NOTSET") {
    fail_attribute(n, "auto_pad", "'" + auto_pad + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
  }
  Window w;
  const std::size_t last = s - 1;
  w.kernel_w = static_cast<int>(kernel[last]);
  w.stride_w = static_cast<int>(strides[last]);
  w.dilation_w = static_cast<int>(dilations[last]);
  w.pad_left = static_cast<int>(pads[last]);
  w.pad_right = static_cast<int>(pads[last + s]);
  if (s == 2) {
    w.kernel_h = static_cast<int>(kernel[0]);
    w.stride_h = static_cast<int>(strides[0]);
    w.dilation_h = static_cast<int>(dilations[0]);
    w.pad_top = static_cast<int>(pads[0]);
    w.pad_bottom = static_cast<int>(pads[2]);
  }
  if (!conv) w.ceil_mode = int_attr(n, "ceil_mode", 0, 0, 1) != 0;
  return w;
}

void Importer::pool(const Node& n) {
  const Flow& x = need_flow(n, 0, "X");
  const Layout& in = x.layout;
  if (in.axis != 0 || in.outer * in.inner != 1 || (in.dims.size() != 3 && in.dims.size() != 4))
    fail(n, "needs a (batch, channels, length) or (batch, channels, height, width) input, got " + models::dims_text(in.dims));
  if (n.outputs.size() > 1 && !n.outputs[1].empty() && reader_count(n.outputs[1]) > 0)
    fail(n, "the Indices output is not supported");
  if (int_attr(n, "storage_order", 0, 0, 1) != 0) fail_attribute(n, "storage_order", "only row-major (0) is supported");
  if (!has_attr(n, "kernel_shape")) fail_attribute(n, "kernel_shape", "is required");
  const auto k = ints_attr(n, "kernel_shape", 1, kMaxExtent);
  Layer layer;
  layer.op = n.op == "MaxPool" ? Op::MaxPool : Op::AvgPool;
  layer.window = window_of(n, in.dims, Dims(k.begin(), k.end()), false);
  if (layer.op == Op::AvgPool) {
    layer.count_include_pad = int_attr(n, "count_include_pad", 0, 0, 1) != 0;
    if (layer.window.dilation_h != 1 || layer.window.dilation_w != 1)
      fail_attribute(n, "dilations", "dilated average pooling is not supported");
  }
  const bool one_d = in.dims.size() == 3;
  const int oh = layer.window.out_h(static_cast<int>(one_d ? 1 : in.dims[2]));
  const int ow = layer.window.out_w(static_cast<int>(in.dims.back()));
  if (oh <= 0 || ow <= 0) fail(n, "the window is larger than the padded input " + models::dims_text(in.dims));
  Layout out;
  out.dims = {1, in.dims[1]};
  if (!one_d) out.dims.push_back(oh);
  out.dims.push_back(ow);
  const bool keeps_grid = layer.op == Op::MaxPool;
  const auto quant = x.quant;
  add_layer(std::move(layer), n, {&x}, n.outputs.front(), out);
  // The largest of values on a grid is on the grid: a matrix layer reading the pooled tensor
  // takes the same codes (PyTorch puts no quantizer after a max pool).
  if (keeps_grid) flow(n.outputs.front())->quant = quant;
}

void Importer::global_pool(const Node& n) {
  const Flow& x = need_flow(n, 0, "X");
  const Layout& in = x.layout;
  if (in.axis != 0 || in.outer * in.inner != 1 || in.dims.size() < 3)
    fail(n, "needs a (batch, channels, ...) input, got " + models::dims_text(in.dims));
  if (n.op == "GlobalMaxPool") {
    models::Attribute axes;
    axes.kind = models::Attribute::Kind::Ints;
    for (std::size_t k = 2; k < in.dims.size(); ++k) axes.ints.push_back(static_cast<std::int64_t>(k));
    make_operator(n, "ReduceMax", 13, {{"axes", axes}});
    return;
  }
  if (in.dims.size() > 4) fail(n, "supports 1-D and 2-D inputs");
  Layer layer;
  layer.op = Op::GlobalAvgPool;
  Layout out;
  out.dims = Dims(in.dims.size(), 1);
  out.dims[1] = in.dims[1];
  add_layer(std::move(layer), n, {&x}, n.outputs.front(), out);
}

}  // namespace cimsim::workload::onnx_import
