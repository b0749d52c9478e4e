#include "sim/workload/onnx_loader.hpp"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "sim/config/error.hpp"

namespace cimsim::workload {

using config::InputError;

const std::vector<std::string>& supported_onnx_ops() {
  static const std::vector<std::string> ops = {
      "Add",       "AveragePool", "BatchNormalization", "Clip",     "Concat",          "Constant",
      "Conv",      "Dropout",     "DequantizeLinear",   "Flatten",  "Gemm",            "GlobalAveragePool",
      "Identity",  "LogSoftmax",  "MatMul",             "MaxPool",  "QuantizeLinear",  "Relu",
      "Reshape",   "Softmax"};
  return ops;
}

namespace {

// A constant tensor (an initializer or a Constant node), with the integer codes and scales it was
// dequantized from when it came out of a DequantizeLinear.
struct Constant {
  std::vector<std::int64_t> dims;
  std::vector<double> values;
  bool integral = false;
  int dtype = 0;
  std::vector<double> codes;           // quantized constants only
  std::vector<double> code_scale;      // per channel along axis 0 (or one)
  std::int64_t size() const { return static_cast<std::int64_t>(values.size()); }
};

// A tensor computed by the network: which layer produced it (−1: the network input), its shape per
// sample, and the quantizer a QuantizeLinear/DequantizeLinear pair put on it.
struct Flow {
  int producer = Layer::kNetworkInput;
  Shape shape;
  std::optional<FixedQuant> quant;
  std::optional<FixedQuant> pending;  // after QuantizeLinear, before its DequantizeLinear
};

class Loader {
 public:
  explicit Loader(std::string path) : path_(std::move(path)) {}
  Network load();

 private:
  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& what) const {
    throw InputError(path_ + ": error: node '" + node.name() + "' (" + node.op_type() + "): " + what);
  }
  [[noreturn]] void fail_file(const std::string& what) const { throw InputError(path_ + ": error: " + what); }

  Constant tensor_of(const onnx::TensorProto& t) const;
  const Constant* constant(const std::string& name) const {
    auto it = constants_.find(name);
    return it == constants_.end() ? nullptr : &it->second;
  }
  const Constant& need_constant(const onnx::NodeProto& node, int input) const;
  Flow& need_activation(const onnx::NodeProto& node, int input);
  std::int64_t int_attr(const onnx::NodeProto& n, const std::string& name, std::int64_t def) const;
  float float_attr(const onnx::NodeProto& n, const std::string& name, float def) const;
  std::vector<std::int64_t> ints_attr(const onnx::NodeProto& n, const std::string& name) const;
  std::string string_attr(const onnx::NodeProto& n, const std::string& name) const;

  int add_layer(Layer layer, const onnx::NodeProto& node, const std::vector<Flow*>& inputs);
  // The producer of `a`, when the node may modify it in place (fuse an activation, fold a batch
  // norm or a bias): it must be a layer whose output nothing else reads.
  Layer* sole_producer(const Flow& a, const std::string& tensor);
  Window window(const onnx::NodeProto& node, const Shape& in, std::vector<std::int64_t> kernel) const;
  void set_matrix_weights(Layer& layer, const Constant& w, bool transpose, const onnx::NodeProto& node);

  void conv(const onnx::NodeProto& node);
  void gemm(const onnx::NodeProto& node, bool matmul);
  void pool(const onnx::NodeProto& node);
  void add(const onnx::NodeProto& node);
  void activation(const onnx::NodeProto& node, workload::Activation act);
  void batchnorm(const onnx::NodeProto& node);
  void quantize(const onnx::NodeProto& node);
  void dequantize(const onnx::NodeProto& node);

  std::string path_;
  Network net_;
  std::map<std::string, Constant> constants_;
  std::map<std::string, Flow> activations_;
  std::map<std::string, int> readers_;  // how many nodes read each tensor
  std::map<std::string, std::vector<std::string>> consumers_;  // operator types reading each tensor
  std::string output_;
};

Constant Loader::tensor_of(const onnx::TensorProto& t) const {
  Constant c;
  c.dtype = t.data_type();
  for (auto d : t.dims()) c.dims.push_back(d);
  std::int64_t n = 1;
  for (auto d : c.dims) n *= d;
  const std::string& raw = t.raw_data();
  auto from_raw = [&](auto sample) {
    using T = decltype(sample);
    if (raw.size() != static_cast<std::size_t>(n) * sizeof(T))
      fail_file("tensor '" + t.name() + "' holds " + std::to_string(raw.size()) + " bytes for " + std::to_string(n) +
                " elements");
    for (std::int64_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
      c.values.push_back(static_cast<double>(v));
    }
  };
  auto from_field = [&](const auto& field) {
    if (field.size() != n) fail_file("tensor '" + t.name() + "' has " + std::to_string(field.size()) + " values for " + std::to_string(n) + " elements");
    for (auto v : field) c.values.push_back(static_cast<double>(v));
  };
  const bool has_raw = !raw.empty() || n == 0;
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: has_raw ? from_raw(float{}) : from_field(t.float_data()); break;
    case onnx::TensorProto::DOUBLE: has_raw ? from_raw(double{}) : from_field(t.double_data()); break;
    case onnx::TensorProto::INT64: has_raw ? from_raw(std::int64_t{}) : from_field(t.int64_data()); c.integral = true; break;
    case onnx::TensorProto::INT32: has_raw ? from_raw(std::int32_t{}) : from_field(t.int32_data()); c.integral = true; break;
    case onnx::TensorProto::INT8: has_raw ? from_raw(std::int8_t{}) : from_field(t.int32_data()); c.integral = true; break;
    case onnx::TensorProto::UINT8: has_raw ? from_raw(std::uint8_t{}) : from_field(t.int32_data()); c.integral = true; break;
    default: fail_file("tensor '" + t.name() + "' has unsupported element type " + std::to_string(t.data_type()));
  }
  return c;
}

const Constant& Loader::need_constant(const onnx::NodeProto& node, int input) const {
  if (node.input_size() <= input || node.input(input).empty()) fail(node, "input " + std::to_string(input) + " is missing");
  const Constant* c = constant(node.input(input));
  if (!c) fail(node, "input '" + node.input(input) + "' must be a constant (weights, scales) here");
  return *c;
}

Flow& Loader::need_activation(const onnx::NodeProto& node, int input) {
  if (node.input_size() <= input) fail(node, "input " + std::to_string(input) + " is missing");
  auto it = activations_.find(node.input(input));
  if (it == activations_.end()) fail(node, "input '" + node.input(input) + "' is not produced by an earlier node");
  if (it->second.pending) fail(node, "reads a QuantizeLinear output directly; a DequantizeLinear must come first");
  return it->second;
}

std::int64_t Loader::int_attr(const onnx::NodeProto& n, const std::string& name, std::int64_t def) const {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.i();
  return def;
}

float Loader::float_attr(const onnx::NodeProto& n, const std::string& name, float def) const {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.f();
  return def;
}

std::vector<std::int64_t> Loader::ints_attr(const onnx::NodeProto& n, const std::string& name) const {
  for (const auto& a : n.attribute())
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  return {};
}

std::string Loader::string_attr(const onnx::NodeProto& n, const std::string& name) const {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.s();
  return "";
}

int Loader::add_layer(Layer layer, const onnx::NodeProto& node, const std::vector<Flow*>& inputs) {
  std::vector<Shape> shapes;
  for (const Flow* a : inputs) {
    layer.inputs.push_back(a->producer);
    shapes.push_back(a->shape);
  }
  layer.in_shape = shapes.front();
  if (layer.name.empty()) layer.name = node.name().empty() ? node.output(0) : node.name();
  try {
    layer.out_shape = infer_shape(layer, shapes);
  } catch (const std::invalid_argument& e) {
    fail(node, e.what());
  }
  const int index = static_cast<int>(net_.layers.size());
  activations_[node.output(0)] = {index, layer.out_shape, std::nullopt, std::nullopt};
  net_.layers.push_back(std::move(layer));
  return index;
}

Layer* Loader::sole_producer(const Flow& a, const std::string& tensor) {
  if (a.producer == Layer::kNetworkInput || a.quant) return nullptr;
  if (readers_[tensor] != 1) return nullptr;
  Layer& p = net_.layers[static_cast<std::size_t>(a.producer)];
  if (p.activation.kind != workload::Activation::Kind::None || p.output_quant) return nullptr;
  return &p;
}

Window Loader::window(const onnx::NodeProto& node, const Shape& in, std::vector<std::int64_t> kernel) const {
  if (in.size() != 3) fail(node, "needs a (batch, channels, height, width) input, got " + shape_text(in));
  Window w;
  if (kernel.size() != 2) fail(node, "only 2-D windows are supported");
  w.kernel_h = static_cast<int>(kernel[0]);
  w.kernel_w = static_cast<int>(kernel[1]);
  const auto strides = ints_attr(node, "strides");
  if (!strides.empty()) {
    w.stride_h = static_cast<int>(strides[0]);
    w.stride_w = static_cast<int>(strides[1]);
  }
  const auto dil = ints_attr(node, "dilations");
  if (!dil.empty()) {
    w.dilation_h = static_cast<int>(dil[0]);
    w.dilation_w = static_cast<int>(dil[1]);
  }
  const std::string auto_pad = string_attr(node, "auto_pad");
  const auto pads = ints_attr(node, "pads");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    // Output size ceil(in / stride); the odd pad goes after (UPPER) or before (LOWER).
    auto split = [&](int in_size, int k, int s, int d, int& before, int& after) {
      const int out = (in_size + s - 1) / s;
      const int total = std::max(0, (out - 1) * s + d * (k - 1) + 1 - in_size);
      before = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      after = total - before;
    };
    split(static_cast<int>(in[1]), w.kernel_h, w.stride_h, w.dilation_h, w.pad_top, w.pad_bottom);
    split(static_cast<int>(in[2]), w.kernel_w, w.stride_w, w.dilation_w, w.pad_left, w.pad_right);
  } else if (!auto_pad.empty() && auto_pad != "NOTSET" && auto_pad != "VALID") {
    fail(node, "auto_pad '" + auto_pad + "' is not supported");
  } else if (!pads.empty()) {
    if (pads.size() != 4) fail(node, "expected 4 pads (top, left, bottom, right)");
    w.pad_top = static_cast<int>(pads[0]);
    w.pad_left = static_cast<int>(pads[1]);
    w.pad_bottom = static_cast<int>(pads[2]);
    w.pad_right = static_cast<int>(pads[3]);
  }
  return w;
}

void Loader::set_matrix_weights(Layer& layer, const Constant& w, bool transpose, const onnx::NodeProto& node) {
  if (w.dims.size() != 2) fail(node, "weights must be 2-D, got " + std::to_string(w.dims.size()) + "-D");
  const auto rows = w.dims[0], cols = w.dims[1];
  const auto out = transpose ? cols : rows, in = transpose ? rows : cols;
  layer.weight.resize(out, in);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      const float v = static_cast<float>(w.values[r * cols + c]);
      if (transpose) layer.weight(c, r) = v;
      else layer.weight(r, c) = v;
    }
  if (!w.codes.empty()) {
    // Per-channel scales must run along the outputs: axis 0 of a Gemm weight with transB = 1.
    if (w.code_scale.size() > 1 && transpose) fail(node, "per-channel weight scales must run along the outputs");
    layer.weight_codes.resize(out, in);
    layer.weight_code_scale.resize(out);
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < cols; ++c) {
        const int v = static_cast<int>(w.codes[r * cols + c]);
        if (transpose) layer.weight_codes(c, r) = v;
        else layer.weight_codes(r, c) = v;
      }
    for (std::int64_t o = 0; o < out; ++o)
      layer.weight_code_scale(o) = w.code_scale.size() == 1 ? w.code_scale[0] : w.code_scale[o];
  }
}

void Loader::conv(const onnx::NodeProto& node) {
  Flow& x = need_activation(node, 0);
  const Constant& w = need_constant(node, 1);
  if (w.dims.size() != 4) fail(node, "weights must be 4-D [out, in/groups, kh, kw]");
  Layer layer;
  layer.op = Op::Conv;
  layer.groups = static_cast<int>(int_attr(node, "group", 1));
  auto kernel = ints_attr(node, "kernel_shape");
  if (kernel.empty()) kernel = {w.dims[2], w.dims[3]};
  layer.window = window(node, x.shape, kernel);
  const int out = static_cast<int>(w.dims[0]);
  const int channels = static_cast<int>(x.shape[0]);
  if (w.dims[1] * layer.groups != channels)
    fail(node, "weights take " + std::to_string(w.dims[1] * layer.groups) + " input channels, the input has " +
                   std::to_string(channels));
  if (out % layer.groups != 0) fail(node, "groups do not divide the output channels");
  layer.weight = conv_weight_matrix(w.values, out, channels, layer.window.kernel_h, layer.window.kernel_w, layer.groups);
  if (!w.codes.empty()) {
    layer.weight_codes = conv_weight_matrix(w.codes, out, channels, layer.window.kernel_h, layer.window.kernel_w,
                                            layer.groups).cast<int>();
    layer.weight_code_scale.resize(out);
    for (int o = 0; o < out; ++o) layer.weight_code_scale(o) = w.code_scale.size() == 1 ? w.code_scale[0] : w.code_scale[o];
  }
  layer.bias = Eigen::VectorXf::Zero(out);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const Constant& b = need_constant(node, 2);
    if (b.size() != out) fail(node, "bias has " + std::to_string(b.size()) + " values for " + std::to_string(out) + " outputs");
    for (int o = 0; o < out; ++o) layer.bias(o) = static_cast<float>(b.values[o]);
  }
  layer.input_quant = x.quant;
  add_layer(std::move(layer), node, {&x});
}

void Loader::gemm(const onnx::NodeProto& node, bool matmul) {
  Flow& x = need_activation(node, 0);
  const Constant& w = need_constant(node, 1);
  Layer layer;
  layer.op = Op::Dense;
  if (!matmul && int_attr(node, "transA", 0) != 0) fail(node, "transA = 1 is not supported");
  const bool trans_b = !matmul && int_attr(node, "transB", 0) != 0;
  // Gemm computes A·B (+C); the layer stores rows = outputs, so B is transposed unless transB.
  set_matrix_weights(layer, w, !trans_b, node);
  const float alpha = matmul ? 1.0f : float_attr(node, "alpha", 1.0f);
  const float beta = matmul ? 1.0f : float_attr(node, "beta", 1.0f);
  if (alpha != 1.0f) {
    layer.weight *= alpha;
    if (layer.weight_codes.size() > 0) layer.weight_code_scale *= alpha;
  }
  const auto out = layer.weight.rows();
  layer.bias = Eigen::VectorXf::Zero(out);
  if (!matmul && node.input_size() > 2 && !node.input(2).empty()) {
    const Constant& c = need_constant(node, 2);
    if (c.size() != out && c.size() != 1) fail(node, "bias C must have one value or one per output");
    for (Eigen::Index o = 0; o < out; ++o) layer.bias(o) = beta * static_cast<float>(c.values[c.size() == 1 ? 0 : o]);
  }
  layer.input_quant = x.quant;
  add_layer(std::move(layer), node, {&x});
}

void Loader::pool(const onnx::NodeProto& node) {
  Flow& x = need_activation(node, 0);
  Layer layer;
  if (node.op_type() == "GlobalAveragePool") {
    layer.op = Op::GlobalAvgPool;
  } else {
    layer.op = node.op_type() == "MaxPool" ? Op::MaxPool : Op::AvgPool;
    if (int_attr(node, "ceil_mode", 0) != 0) fail(node, "ceil_mode = 1 is not supported");
    if (node.output_size() > 1 && !node.output(1).empty()) fail(node, "the Indices output is not supported");
    layer.window = window(node, x.shape, ints_attr(node, "kernel_shape"));
    layer.count_include_pad = int_attr(node, "count_include_pad", 0) != 0;
  }
  add_layer(std::move(layer), node, {&x});
}

void Loader::add(const onnx::NodeProto& node) {
  if (node.input_size() != 2) fail(node, "expected two inputs");
  // A constant added to a matrix layer's output is its bias (MatMul followed by Add).
  for (int k = 0; k < 2; ++k) {
    const Constant* c = constant(node.input(k));
    if (!c) continue;
    Flow& x = need_activation(node, 1 - k);
    Layer* p = sole_producer(x, node.input(1 - k));
    if (!p || !p->is_matrix()) fail(node, "adds a constant to something other than a dense or conv output");
    const auto out = p->weight.rows();
    if (c->size() != out && c->size() != 1) fail(node, "the constant must have one value or one per output");
    for (Eigen::Index o = 0; o < out; ++o) p->bias(o) += static_cast<float>(c->values[c->size() == 1 ? 0 : o]);
    activations_[node.output(0)] = x;
    return;
  }
  Layer layer;
  layer.op = Op::Add;
  add_layer(std::move(layer), node, {&need_activation(node, 0), &need_activation(node, 1)});
}

void Loader::activation(const onnx::NodeProto& node, workload::Activation act) {
  Flow& x = need_activation(node, 0);
  if (Layer* p = sole_producer(x, node.input(0))) {
    p->activation = act;
    activations_[node.output(0)] = x;
    return;
  }
  Layer layer;
  layer.op = Op::Identity;
  layer.activation = act;
  add_layer(std::move(layer), node, {&x});
}

void Loader::batchnorm(const onnx::NodeProto& node) {
  Flow& x = need_activation(node, 0);
  Layer* p = sole_producer(x, node.input(0));
  if (!p || !p->is_matrix())
    fail(node, "batch normalisation must follow a Conv or Gemm whose output it alone reads (it is folded into it)");
  if (p->weight_codes.size() > 0) fail(node, "cannot fold batch normalisation into quantized weights");
  const auto n = p->weight.rows();
  auto vec = [&](int input) {
    const Constant& c = need_constant(node, input);
    if (c.size() != n) fail(node, "input " + std::to_string(input) + " has " + std::to_string(c.size()) + " values for " +
                                      std::to_string(n) + " channels");
    return Eigen::Map<const Eigen::VectorXd>(c.values.data(), n).eval();
  };
  fold_batchnorm(*p, vec(1), vec(2), vec(3), vec(4), float_attr(node, "epsilon", 1e-5f));
  activations_[node.output(0)] = x;
}

FixedQuant quantizer_of(const Constant& scale, const Constant* zero, const std::string& node_text, const std::string& path) {
  if (scale.size() != 1)
    throw InputError(path + ": error: " + node_text + ": per-channel quantization of activations is not supported");
  FixedQuant q;
  q.scale = scale.values[0];
  if (q.scale <= 0) throw InputError(path + ": error: " + node_text + ": scale must be positive");
  q.zero_point = zero ? static_cast<std::int32_t>(zero->values[0]) : 0;
  const bool is_signed = zero && zero->dtype == onnx::TensorProto::INT8;
  q.q_min = is_signed ? -128 : 0;
  q.q_max = is_signed ? 127 : 255;
  return q;
}

void Loader::quantize(const onnx::NodeProto& node) {
  const std::string text = "node '" + node.name() + "' (QuantizeLinear)";
  const Constant& scale = need_constant(node, 1);
  const Constant* zero = node.input_size() > 2 ? constant(node.input(2)) : nullptr;
  Flow x = need_activation(node, 0);
  x.pending = quantizer_of(scale, zero, text, path_);
  activations_[node.output(0)] = x;
}

void Loader::dequantize(const onnx::NodeProto& node) {
  const std::string text = "node '" + node.name() + "' (DequantizeLinear)";
  const Constant& scale = need_constant(node, 1);
  const Constant* zero = node.input_size() > 2 ? constant(node.input(2)) : nullptr;
  if (const Constant* q = constant(node.input(0))) {
    // Quantized weights: keep the codes and the scales, and their float values.
    if (!q->integral) fail(node, "dequantizes a float constant");
    Constant c = *q;
    const auto channels = scale.size();
    if (channels > 1 && (q->dims.empty() || q->dims[0] != channels || int_attr(node, "axis", 1) != 0))
      fail(node, "per-channel weight scales must run along axis 0");
    const std::int64_t per = channels > 1 ? q->size() / channels : q->size();
    c.codes.resize(q->values.size());
    c.code_scale = scale.values;
    for (std::int64_t i = 0; i < q->size(); ++i) {
      const std::int64_t ch = channels > 1 ? i / per : 0;
      const double z = zero ? zero->values[zero->size() > 1 ? ch : 0] : 0.0;
      if (z != 0) fail(node, "weights with a non-zero zero point are not supported (docs/design.md §4: symmetric weights)");
      c.codes[i] = q->values[i];
      c.values[i] = q->values[i] * scale.values[ch];
    }
    c.integral = false;
    constants_[node.output(0)] = std::move(c);
    return;
  }
  auto it = activations_.find(node.input(0));
  if (it == activations_.end() || !it->second.pending) fail(node, "must follow a QuantizeLinear of the same tensor");
  Flow x = it->second;
  const FixedQuant q = quantizer_of(scale, zero, text, path_);
  if (q.scale != x.pending->scale || q.zero_point != x.pending->zero_point)
    fail(node, "scale or zero point differ from its QuantizeLinear");
  x.quant = *x.pending;
  x.pending.reset();
  // The pair fake-quantizes this branch only. Matrix layers that read it take it as their input
  // quantizer (the same codes); anything else reads it through an identity layer that rounds
  // onto the grid, so that other readers of the original tensor still see it unrounded.
  bool only_matrix = true;
  for (const std::string& op : consumers_[node.output(0)])
    only_matrix = only_matrix && (op == "Conv" || op == "Gemm" || op == "MatMul");
  if (!only_matrix) {
    Layer layer;
    layer.op = Op::Identity;
    layer.output_quant = x.quant;
    layer.name = node.name().empty() ? node.output(0) : node.name();
    Flow in = x;
    in.quant.reset();
    const auto q = x.quant;
    add_layer(std::move(layer), node, {&in});
    activations_[node.output(0)].quant = q;
    return;
  }
  activations_[node.output(0)] = x;
}

Network Loader::load() {
  onnx::ModelProto model;
  {
    std::ifstream in(path_, std::ios::binary);
    if (!in) fail_file("cannot open file");
    if (!model.ParseFromIstream(&in)) fail_file("not a valid ONNX model (the protobuf does not parse)");
  }
  if (!model.has_graph()) fail_file("not a valid ONNX model (no graph)");
  const onnx::GraphProto& g = model.graph();
  net_.source = path_;
  // PyTorch names every graph "torch_jit"; the file name says more then.
  net_.name = g.name().empty() || g.name() == "torch_jit" ? std::filesystem::path(path_).stem().string() : g.name();

  for (const auto& t : g.initializer()) constants_[t.name()] = tensor_of(t);
  for (const auto& node : g.node())
    for (const auto& i : node.input()) {
      ++readers_[i];
      consumers_[i].push_back(node.op_type());
    }
  for (const auto& o : g.output()) ++readers_[o.name()];

  // The network input: the first graph input that is not an initializer.
  for (const auto& in : g.input()) {
    if (constants_.count(in.name())) continue;
    const auto& shape = in.type().tensor_type().shape();
    if (shape.dim_size() < 2) fail_file("input '" + in.name() + "' must have a batch axis and a sample shape");
    for (int d = 1; d < shape.dim_size(); ++d) {
      if (!shape.dim(d).has_dim_value() || shape.dim(d).dim_value() <= 0)
        fail_file("input '" + in.name() + "' has an unknown dimension " + std::to_string(d) + "; only the batch may vary");
      net_.input_shape.push_back(shape.dim(d).dim_value());
    }
    activations_[in.name()] = {Layer::kNetworkInput, net_.input_shape, std::nullopt, std::nullopt};
    break;
  }
  if (net_.input_shape.empty()) fail_file("the graph has no input");
  if (g.output_size() < 1) fail_file("the graph has no output");
  output_ = g.output(0).name();

  for (const auto& node : g.node()) {
    if (node.output_size() < 1) fail(node, "has no output");
    const std::string& op = node.op_type();
    if (!node.domain().empty() && node.domain() != "ai.onnx") fail(node, "operator domain '" + node.domain() + "' is not supported");
    if (op == "Constant") {
      bool found = false;
      for (const auto& a : node.attribute())
        if (a.name() == "value") {
          constants_[node.output(0)] = tensor_of(a.t());
          found = true;
        }
      if (!found) fail(node, "only tensor-valued constants are supported");
    } else if (op == "Identity" || op == "Dropout") {
      if (const Constant* c = constant(node.input(0))) constants_[node.output(0)] = *c;
      else activations_[node.output(0)] = need_activation(node, 0);
    } else if (op == "Conv") {
      conv(node);
    } else if (op == "Gemm" || op == "MatMul") {
      gemm(node, op == "MatMul");
    } else if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") {
      pool(node);
    } else if (op == "Add") {
      add(node);
    } else if (op == "Relu") {
      activation(node, workload::Activation::relu());
    } else if (op == "Clip") {
      float lo = float_attr(node, "min", -3.4e38f), hi = float_attr(node, "max", 3.4e38f);
      if (node.input_size() > 1 && !node.input(1).empty()) lo = static_cast<float>(need_constant(node, 1).values.at(0));
      if (node.input_size() > 2 && !node.input(2).empty()) hi = static_cast<float>(need_constant(node, 2).values.at(0));
      activation(node, lo == 0.0f && hi >= 3.4e38f ? workload::Activation::relu() : workload::Activation::clip(lo, hi));
    } else if (op == "BatchNormalization") {
      batchnorm(node);
    } else if (op == "Concat") {
      if (int_attr(node, "axis", 1) != 1) fail(node, "only concatenation along channels (axis 1) is supported");
      std::vector<Flow*> ins;
      for (int k = 0; k < node.input_size(); ++k) ins.push_back(&need_activation(node, k));
      Layer layer;
      layer.op = Op::Concat;
      add_layer(std::move(layer), node, ins);
    } else if (op == "Flatten" || op == "Reshape") {
      Flow& x = need_activation(node, 0);
      if (op == "Flatten" && int_attr(node, "axis", 1) != 1) fail(node, "only axis 1 (keep the batch) is supported");
      if (op == "Reshape") {
        const Constant& shape = need_constant(node, 1);
        const bool flat = shape.size() == 2 && (shape.values[1] == -1 || shape.values[1] == element_count(x.shape));
        if (!flat) fail(node, "only a reshape to (batch, features) is supported");
      }
      Layer layer;
      layer.op = Op::Flatten;
      add_layer(std::move(layer), node, {&x});
    } else if (op == "Softmax" || op == "LogSoftmax") {
      // Monotonic per sample: the argmax is the same. Only allowed where it feeds the output.
      if (node.output(0) != output_) fail(node, "is only supported as the last node, feeding the graph output");
      activations_[node.output(0)] = need_activation(node, 0);
    } else if (op == "QuantizeLinear") {
      quantize(node);
    } else if (op == "DequantizeLinear") {
      dequantize(node);
    } else {
      std::string list;
      for (const auto& s : supported_onnx_ops()) list += (list.empty() ? "" : ", ") + s;
      fail(node, "unsupported operator; supported: " + list);
    }
  }

  auto out = activations_.find(output_);
  if (out == activations_.end()) fail_file("the graph output '" + output_ + "' is not computed by a supported node");
  if (net_.layers.empty()) fail_file("the graph has no layers");
  if (out->second.producer != static_cast<int>(net_.layers.size()) - 1)
    fail_file("the graph output '" + output_ + "' must come from the last layer");
  return net_;
}

}  // namespace

Network load_onnx(const std::string& path) { return Loader(path).load(); }

}  // namespace cimsim::workload
