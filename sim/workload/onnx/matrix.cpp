// Layers that run on arrays: Conv (1-D and 2-D, groups, dilation, padding), Gemm and MatMul with
// a constant weight matrix (one vector per sample, or one per position of a sequence), and batch
// normalisation folded into the layer before it. Quantized weights (DequantizeLinear of integer
// codes, or QuantizeLinear/DequantizeLinear of float weights as fake-quantization exports them)
// keep their integer codes and per-channel scales.

#include <algorithm>
#include <cmath>

#include "models/operators/tensor_index.hpp"
#include "sim/util/mapped_file.hpp"
#include "sim/workload/conv_lowering.hpp"
#include "sim/workload/file_weights.hpp"
#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

namespace {

// Scale of output channel `o` of quantized weights whose channels run along `axis`.
double channel_scale(const Tensor& w, std::int64_t o) {
  return w.code_scale.size() == 1 ? w.code_scale[0] : w.code_scale[static_cast<std::size_t>(o)];
}

// The largest |code| of quantized weights.
std::int64_t code_magnitude(const Tensor& w) {
  double m = 0;
  for (const double c : w.codes) m = std::max(m, std::fabs(c));
  return static_cast<std::int64_t>(m);
}

// A convolution's integer codes [out, in/groups, kh, kw] lowered as its weights are (block
// diagonal over the groups), written row by row into narrow codes: a depthwise layer's lowered
// matrix is nearly all zeros, which four-byte codes built whole and then narrowed held twice.
WeightCodes lower_conv_codes(const Tensor& w, std::int64_t out, std::int64_t channels, int kh, int kw, int groups) {
  const std::int64_t per_out = channels / groups * kh * kw, out_per_group = out / groups;
  WeightCodes codes = WeightCodes::zeros(out, channels * kh * kw, code_magnitude(w));
  std::vector<std::int32_t> row(static_cast<std::size_t>(per_out));
  for (std::int64_t o = 0; o < out; ++o) {
    for (std::int64_t j = 0; j < per_out; ++j)
      row[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(w.codes[static_cast<std::size_t>(o * per_out + j)]);
    codes.set_row(o, o / out_per_group * per_out, row.data(), per_out);
  }
  return codes;
}

}  // namespace

// Float weights kept as stored rather than built into the layer's matrix: in an estimate, those
// left in the model file, and a grouped convolution's (whose matrix is mostly zeros) whether read
// from the file or dequantized from codes.
bool Importer::keep_in_file(const Tensor& w, bool grouped) const {
  return weights_in_file_ && ((w.deferred_float() && w.codes.empty()) || grouped);
}

std::shared_ptr<const FileWeights> Importer::stored_weights(const Node& n, const Tensor& w, int out, int in, int kh,
                                                           int kw, int groups) const {
  std::shared_ptr<const FileWeights> fw;
  if (w.deferred_float()) {
    fw = std::make_shared<const FileWeights>(w.raw_owner, w.raw, w.raw_mapped, out, in, kh, kw, groups);
  } else {
    // Converted already (a small tensor, or dequantized codes): a float32 copy in the file's
    // layout, as the matrix reads it.
    auto copy = std::make_shared<std::vector<float>>(static_cast<std::size_t>(w.size()));
    for (std::size_t k = 0; k < copy->size(); ++k) (*copy)[k] = static_cast<float>(w.at(k));
    const std::string_view bytes(reinterpret_cast<const char*>(copy->data()), copy->size() * sizeof(float));
    fw = std::make_shared<const FileWeights>(std::move(copy), bytes, false, out, in, kh, kw, groups);
  }
  if (!fw->finite()) check_finite(n, w, "the weights");
  return fw;
}

void Importer::check_weights(const Node& n, const Tensor& w, const Eigen::MatrixXf& built) const {
  if (built.allFinite()) return;
  check_finite(n, w, "the weights");
  fail(n, "the weights are finite but not once scaled (alpha)");
}

void Importer::conv(const Node& n) {
  const Flow& x = need_flow(n, 0, "X");
  // Read as stored (float32 bytes of the file for large ones), not converted to doubles first.
  const Tensor& w = need_weight_constant(n, 1, "W");
  const Layout& in = x.layout;
  if (in.axis != 0 || in.outer * in.inner != 1)
    fail(n, "needs the batch on axis 0, got " + models::dims_text(in.dims) + " with the batch on axis " + std::to_string(in.axis));
  if (in.dims.size() != 3 && in.dims.size() != 4)
    fail(n, "supports 1-D and 2-D convolutions; the input is " + models::dims_text(in.dims));
  if (w.dims.size() != in.dims.size())
    fail(n, "weights " + models::dims_text(w.dims) + " do not match a " + std::to_string(in.dims.size() - 2) + "-D input");
  for (auto d : w.dims)
    if (d <= 0) fail(n, "weights " + models::dims_text(w.dims) + " have an empty dimension");
  const bool one_d = in.dims.size() == 3;
  Layer layer;
  layer.op = Op::Conv;
  const std::int64_t channels = in.dims[1], out = w.dims[0];
  layer.groups = static_cast<int>(int_attr(n, "group", 1, 1, channels));
  const Dims kernel(w.dims.begin() + 2, w.dims.end());
  if (has_attr(n, "kernel_shape")) {
    const auto k = ints_attr(n, "kernel_shape", 1, 1 << 24);
    if (Dims(k.begin(), k.end()) != kernel)
      fail_attribute(n, "kernel_shape", models::dims_text(Dims(k.begin(), k.end())) + " contradicts the weights " +
                                            models::dims_text(w.dims));
  }
  layer.window = window_of(n, in.dims, kernel, true);
  if (w.dims[1] * layer.groups != channels)
    fail(n, "weights take " + std::to_string(w.dims[1] * layer.groups) + " input channels (" + std::to_string(w.dims[1]) +
                " per group × " + std::to_string(layer.groups) + " groups), the input has " + std::to_string(channels));
  if (out % layer.groups != 0)
    fail_attribute(n, "group", std::to_string(layer.groups) + " groups do not divide " + std::to_string(out) + " output channels");
  const int kh = one_d ? 1 : static_cast<int>(kernel[0]), kw = static_cast<int>(kernel.back());
  // The lowered matrix is out × (channels · kernel), block diagonal over the groups.
  if (static_cast<double>(out) * static_cast<double>(channels) * kh * kw > static_cast<double>(models::kMaxSampleElements))
    fail(n, "its lowered weight matrix (" + std::to_string(out) + " x " + std::to_string(channels * kh * kw) +
                ") is larger than cimsim supports");
  if (keep_in_file(w, layer.groups > 1)) {
    layer.file_weights = stored_weights(n, w, static_cast<int>(out), static_cast<int>(channels), kh, kw, layer.groups);
  } else {
    layer.weight = lower_conv_weights<float>([&](std::int64_t k) { return w.at(static_cast<std::size_t>(k)); },
                                             static_cast<int>(out), static_cast<int>(channels), kh, kw, layer.groups);
    check_weights(n, w, layer.weight);
    if (w.raw_mapped) util::MappedFile::release(w.raw);
  }
  if (!w.codes.empty()) {
    if (w.code_scale.size() > 1 && w.code_axis != 0) fail(n, "per-channel weight scales must run along the output channels (axis 0)");
    layer.weight_codes = lower_conv_codes(w, out, channels, kh, kw, layer.groups);
    layer.weight_code_scale.resize(out);
    for (std::int64_t o = 0; o < out; ++o) layer.weight_code_scale(o) = channel_scale(w, o);
  }
  layer.bias = Eigen::VectorXf::Zero(out);
  if (present(n, 2)) {
    const Tensor& b = need_constant(n, 2, "B");
    check_finite(n, b, "the bias");
    if (b.size() != out) fail(n, "bias has " + std::to_string(b.size()) + " values for " + std::to_string(out) + " outputs");
    for (std::int64_t o = 0; o < out; ++o) layer.bias(o) = static_cast<float>(b.values[static_cast<std::size_t>(o)]);
  }
  layer.input_quant = x.quant;
  Layout result;
  result.dims = {1, out};
  const int oh = layer.window.out_h(static_cast<int>(one_d ? 1 : in.dims[2]));
  const int ow = layer.window.out_w(static_cast<int>(in.dims.back()));
  if (oh <= 0 || ow <= 0) fail(n, "the kernel is larger than the padded input " + models::dims_text(in.dims));
  if (!one_d) result.dims.push_back(oh);
  result.dims.push_back(ow);
  add_layer(std::move(layer), n, {&x}, n.outputs.front(), result);
}

// The dense matrix (and codes) of weights `w` in `layer`, rows = outputs once transposed as
// `transpose` says, scaled by `alpha`.
void Importer::fill_dense_weights(const Node& n, Layer& layer, const Tensor& w, bool transpose, double alpha) const {
  const std::int64_t rows = w.dims[0], cols = w.dims[1];
  const std::int64_t outs = transpose ? cols : rows, ins = transpose ? rows : cols;
  const bool quantized = !w.codes.empty();
  layer.weight.resize(outs, ins);
  if (quantized) {
    // Per-channel scales must run along the outputs.
    const int out_axis = transpose ? 1 : 0;
    if (w.code_scale.size() > 1 && w.code_axis != out_axis)
      fail(n, "per-channel weight scales must run along the outputs (axis " + std::to_string(out_axis) + " of the weights)");
    layer.weight_codes = WeightCodes::zeros(outs, ins, code_magnitude(w));
    layer.weight_code_scale.resize(outs);
    for (std::int64_t o = 0; o < outs; ++o) layer.weight_code_scale(o) = channel_scale(w, o) * alpha;
  }
  // In square blocks: one of the two sides is read or written across rows, and a block keeps
  // those lines in cache (VGG-16's first dense layer has 103 M weights). The rows of a model
  // file's bytes are given back as they are read.
  constexpr std::int64_t kBlock = 64;
  for (std::int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    if (r0 > 0 && w.raw_mapped && w.deferred_float())  // the block of rows above, read
      util::MappedFile::release(w.raw.substr(static_cast<std::size_t>((r0 - kBlock) * cols) * sizeof(float),
                                             static_cast<std::size_t>(kBlock * cols) * sizeof(float)));
    for (std::int64_t c0 = 0; c0 < cols; c0 += kBlock)
      for (std::int64_t c = c0; c < std::min(cols, c0 + kBlock); ++c)
        for (std::int64_t r = r0; r < std::min(rows, r0 + kBlock); ++r) {
          const auto at = static_cast<std::size_t>(r * cols + c);
          const Eigen::Index o = transpose ? c : r, i = transpose ? r : c;
          layer.weight(o, i) = static_cast<float>(w.at(at) * alpha);
        }
  }
  if (quantized) {
    std::vector<std::int32_t> row(static_cast<std::size_t>(ins));
    for (std::int64_t o = 0; o < outs; ++o) {
      for (std::int64_t i = 0; i < ins; ++i)
        row[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(w.codes[static_cast<std::size_t>(transpose ? i * cols + o : o * cols + i)]);
      layer.weight_codes.set_row(o, 0, row.data(), ins);
    }
  }
  if (w.raw_mapped) util::MappedFile::release(w.raw);
  check_weights(n, w, layer.weight);
}

// Dense over the last axis of `x` with weights `w` (rows = outputs once transposed as `transpose`
// says); the batch may sit in any axis but the last.
int Importer::dense(const Node& n, const Flow& x, const Tensor& w, bool transpose, double alpha, const Tensor* bias,
                    double beta, const std::string& out) {
  const Layout& in = x.layout;
  if (w.dims.size() != 2 || w.dims[0] <= 0 || w.dims[1] <= 0)
    fail(n, "weights must be a non-empty matrix, got " + models::dims_text(w.dims));
  if (in.axis == static_cast<int>(in.dims.size()) - 1)
    fail(n, "the batch is merged into the axis the product sums over (" + models::dims_text(in.dims) + ")");
  const std::int64_t rows = w.dims[0], cols = w.dims[1];
  const std::int64_t outs = transpose ? cols : rows, ins = transpose ? rows : cols;
  if (in.dims.back() != ins)
    fail(n, "weights take " + std::to_string(ins) + " inputs, the input " + models::dims_text(in.dims) + " has " +
                std::to_string(in.dims.back()));
  Layer layer;
  layer.op = Op::Dense;
  if (!transpose && alpha == 1.0 && keep_in_file(w)) {
    // Rows are outputs as stored (Gemm with transB, as PyTorch exports Linear).
    layer.file_weights = stored_weights(n, w, static_cast<int>(outs), static_cast<int>(ins), 1, 1, 1);
  } else {
    fill_dense_weights(n, layer, w, transpose, alpha);
  }
  layer.bias = Eigen::VectorXf::Zero(outs);
  if (bias) {
    check_finite(n, *bias, "the bias");
    if (bias->size() != outs && bias->size() != 1)
      fail(n, "the bias has " + std::to_string(bias->size()) + " values; one or " + std::to_string(outs) + " expected");
    for (std::int64_t o = 0; o < outs; ++o)
      layer.bias(o) = static_cast<float>(beta * bias->values[static_cast<std::size_t>(bias->size() == 1 ? 0 : o)]);
  }
  layer.per_position = in.sample().size() > 1;
  layer.input_quant = x.quant;
  Layout result = in;
  result.dims.back() = outs;
  return add_layer(std::move(layer), n, {&x}, out, result);
}

void Importer::gemm(const Node& n) {
  if (int_attr(n, "transA", 0, 0, 1) != 0) fail_attribute(n, "transA", "1 is not supported (the input must be rows of samples)");
  const Flow& x = need_flow(n, 0, "A");
  if (x.layout.dims.size() != 2) fail(n, "A must be a matrix, got " + models::dims_text(x.layout.dims));
  const Tensor& w = need_weight_constant(n, 1, "B");
  const bool trans_b = int_attr(n, "transB", 0, 0, 1) != 0;
  const Tensor* c = present(n, 2) ? &need_constant(n, 2, "C") : nullptr;
  if (c && c->dims.size() == 2 && c->dims[0] != 1) fail(n, "C must be the same for every row (shape [1, N] or [N])");
  dense(n, x, w, !trans_b, float_attr(n, "alpha", 1.0), c, float_attr(n, "beta", 1.0), n.outputs.front());
}

void Importer::matmul(const Node& n) {
  const Tensor* b = present(n, 1) ? weight_constant(n.inputs[1]) : nullptr;
  const Flow* a = present(n, 0) ? flow(n.inputs[0]) : nullptr;
  if (a && b && b->dims.size() == 2 && a->layout.dims.size() >= 2 && !b->symbolic() && b->batch_axis < 0) {
    dense(n, need_flow(n, 0, "A"), *b, true, 1.0, nullptr, 1.0, n.outputs.front());
    return;
  }
  // Two computed operands (attention), or a constant that is no weight matrix: the digital unit.
  make_operator(n, "MatMul");
}

void Importer::batchnorm(const Node& n) {
  const Flow& x = need_flow(n, 0, "X");
  if (int_attr(n, "training_mode", 0, 0, 1) != 0) fail_attribute(n, "training_mode", "must be 0: only inference is simulated");
  for (std::size_t k = 1; k < n.outputs.size(); ++k)
    if (!n.outputs[k].empty() && reader_count(n.outputs[k]) > 0) fail(n, "the running statistics outputs are not supported");
  const double eps = float_attr(n, "epsilon", 1e-5);
  if (!(eps >= 0)) fail_attribute(n, "epsilon", "must be at least 0");
  const std::int64_t channels = x.layout.dims.size() >= 2 ? x.layout.dims[1] : 0;
  std::vector<const Tensor*> p;
  const char* names[4] = {"scale", "B", "input_mean", "input_var"};
  for (std::size_t k = 0; k < 4; ++k) {
    p.push_back(&need_constant(n, k + 1, names[k]));
    check_finite(n, *p.back(), std::string("input ") + names[k]);
    if (p.back()->size() != channels)
      fail(n, std::string(names[k]) + " has " + std::to_string(p.back()->size()) + " values for " + std::to_string(channels) + " channels");
  }
  for (std::int64_t c = 0; c < channels; ++c)
    if (p[3]->values[static_cast<std::size_t>(c)] < 0)
      fail(n, "input_var of channel " + std::to_string(c) + " is " + std::to_string(p[3]->values[static_cast<std::size_t>(c)]) +
                  "; a variance cannot be negative");
  Layer* prod = sole_producer(x, n.inputs[0]);
  const bool foldable = prod && prod->is_matrix() && prod->weight_codes.size() == 0 && x.layout.axis == 0 &&
                        x.layout.outer * x.layout.inner == 1 && prod->out_features() == channels &&
                        (prod->op == Op::Conv || !prod->per_position);
  if (!foldable) {
    // After a concatenation, at a block's start or after quantized weights: its own layer.
    make_operator(n, "BatchNormalization");
    return;
  }
  auto vec = [&](int k) { return Eigen::Map<const Eigen::VectorXd>(p[static_cast<std::size_t>(k)]->values.data(), channels).eval(); };
  fold_batchnorm(*prod, vec(0), vec(1), vec(2), vec(3), eps);
  set_flow(n.outputs.front(), x);
}

}  // namespace cimsim::workload::onnx_import
