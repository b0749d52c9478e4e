#include "sim/workload/layer_list.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "sim/config/node.hpp"
#include "sim/config/suggest.hpp"
#include "sim/util/checked.hpp"
#include "sim/util/npy.hpp"
#include "sim/workload/layer_spec.hpp"

namespace fs = std::filesystem;

namespace cimsim::workload {

using config::ConfigError;
using config::Node;

namespace {

const std::vector<std::string> kTypes = {"dense",  "conv",   "maxpool", "avgpool",
                                         "global_avgpool", "add", "concat", "flatten"};

// Keys each layer type accepts (besides name, type, input, activation).
const std::map<std::string, std::vector<std::string>> kKeys = {
    {"dense", {"weights", "bias", "init", "out_features", "batchnorm"}},
    {"conv", {"weights", "bias", "init", "out_channels", "kernel", "stride", "padding", "dilation", "groups",
              "batchnorm"}},
    {"maxpool", {"kernel", "stride", "padding"}},
    {"avgpool", {"kernel", "stride", "padding", "count_include_pad"}},
    {"global_avgpool", {}},
    {"add", {}},
    {"concat", {}},
    {"flatten", {}},
};

Window window_of(const LayerSpec& s, bool pool) {
  Window w;
  const auto kernel = s.ints("kernel", {1, 1}, {1, 2}, 1, kMaxWindow);
  w.kernel_h = kernel[0];
  w.kernel_w = kernel.back();
  const auto stride = s.ints("stride", pool ? kernel : std::vector<int>{1, 1}, {1, 2}, 1, kMaxStep);
  w.stride_h = stride[0];
  w.stride_w = stride.back();
  const auto pad = s.ints("padding", {0, 0}, {1, 2, 4}, 0, kMaxStep);
  w.pad_top = pad[0];
  w.pad_left = pad.size() > 1 ? pad[1] : pad[0];
  w.pad_bottom = pad.size() == 4 ? pad[2] : w.pad_top;
  w.pad_right = pad.size() == 4 ? pad[3] : w.pad_left;
  const auto dil = s.ints("dilation", {1, 1}, {1, 2}, 1, kMaxWindow);
  w.dilation_h = dil[0];
  w.dilation_w = dil.back();
  return w;
}

// Weights from a file, or drawn for a shape-only workload.
void load_weights(Layer& layer, const LayerSpec& s, const Shape& in, std::size_t index) {
  const bool conv = layer.op == Op::Conv;
  if (conv && !in.empty() && in[0] > kMaxDimension)
    s.fail("type", "the input has " + std::to_string(in[0]) + " channels, more than a layer list takes (" +
                       std::to_string(kMaxDimension) + ")");
  if (s.find("weights") && s.find("init")) s.fail("init", "give either weights or init, not both");
  if (s.find("weights")) {
    const npy::Array w = s.array("weights");
    if (conv) {
      if (w.shape.size() != 4) s.fail("weights", "a conv weight must be 4-D [out, in/groups, kh, kw], got " + w.shape_text());
      if (w.shape[0] > kMaxDimension || w.shape[1] > kMaxDimension || w.shape[2] > kMaxWindow ||
          w.shape[3] > kMaxWindow)
        s.fail("weights", "weight " + w.shape_text() + " is larger than a layer list takes (kernels up to " +
                              std::to_string(kMaxWindow) + ")");
      layer.window.kernel_h = static_cast<int>(w.shape[2]);
      layer.window.kernel_w = static_cast<int>(w.shape[3]);
      if (s.find("kernel")) {
        const auto k = s.ints("kernel", {}, {1, 2}, 1, kMaxWindow);
        if (k.front() != layer.window.kernel_h || k.back() != layer.window.kernel_w)
          s.fail("kernel", "does not match the weight file's kernel " + w.shape_text());
      }
      const std::int64_t channels = in.empty() ? 0 : in[0];
      if (w.shape[1] * layer.groups != channels)
        s.fail("weights", "weight " + w.shape_text() + " with " + std::to_string(layer.groups) + " groups takes " +
                              std::to_string(w.shape[1] * layer.groups) + " input channels; the input has " +
                              std::to_string(channels));
      if (w.shape[0] % layer.groups != 0) s.fail("groups", "does not divide the " + std::to_string(w.shape[0]) + " outputs");
      s.check_memory("weights", 4.0 * static_cast<double>(w.shape[0]) * static_cast<double>(channels) *
                                    static_cast<double>(w.shape[2] * w.shape[3]),
                     "the lowered weight matrix of " + w.shape_text());
      layer.weight = conv_weight_matrix(w.values, static_cast<int>(w.shape[0]), static_cast<int>(channels),
                                        layer.window.kernel_h, layer.window.kernel_w, layer.groups);
    } else {
      if (w.shape.size() != 2) s.fail("weights", "a dense weight must be 2-D [out, in], got " + w.shape_text());
      if (w.shape[1] != element_count(in))
        s.fail("weights", "weight " + w.shape_text() + " takes " + std::to_string(w.shape[1]) +
                              " inputs but the layer receives " + std::to_string(element_count(in)));
      layer.weight = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                         w.values.data(), w.shape[0], w.shape[1]).cast<float>();
    }
  } else if (const Node* init = s.find("init")) {
    if (!init->is_map()) s.fail("init", "expected a map like {seed: 1}");
    for (const auto& e : init->entries())
      if (e.key != "seed") throw ConfigError(e.key_where, s.key("init." + e.key), "unknown key (init takes seed)");
    const Node* seed = init->find("seed");
    const std::uint64_t sd =
        seed ? static_cast<std::uint64_t>(s.integer(*seed, "init.seed", 0, std::numeric_limits<long long>::max())) : index;
    const std::string outs_key = conv ? "out_channels" : "out_features";
    const std::int64_t outs = s.integer(s.need(outs_key), outs_key, 1, kMaxDimension);
    // The weight matrix exists before any value is drawn.
    const std::int64_t columns = conv ? (in.empty() ? 0 : in[0]) * layer.window.kernel_h * layer.window.kernel_w
                                      : element_count(in);
    s.check_memory(outs_key, 4.0 * static_cast<double>(outs) * static_cast<double>(columns),
                   std::to_string(outs) + " outputs of " + std::to_string(columns) + " inputs each");
    if (conv) {
      const std::int64_t channels = in.empty() ? 0 : in[0];
      if (channels % layer.groups != 0 || outs % layer.groups != 0)
        s.fail("groups", "must divide " + std::to_string(channels) + " input and " + std::to_string(outs) + " output channels");
      // The layout as ones (zeros off a grouped layer's diagonal blocks), then drawn over.
      if (layer.groups == 1) {
        layer.weight = Eigen::MatrixXf::Ones(outs, columns);
      } else {
        const std::vector<double> ones(static_cast<std::size_t>(outs * channels / layer.groups *
                                                                layer.window.kernel_h * layer.window.kernel_w), 1.0);
        layer.weight = conv_weight_matrix(ones, static_cast<int>(outs), static_cast<int>(channels),
                                          layer.window.kernel_h, layer.window.kernel_w, layer.groups);
      }
      init_random_weights(layer, channels / layer.groups * layer.window.kernel_h * layer.window.kernel_w, sd);
    } else {
      layer.weight = Eigen::MatrixXf::Zero(outs, element_count(in));
      init_random_weights(layer, element_count(in), sd);
    }
  } else {
    s.fail("weights", "a " + std::string(op_name(layer.op)) + " layer needs weights (a .npy file) or init: {seed: N}");
  }
  layer.bias = Eigen::VectorXf::Zero(layer.weight.rows());
  if (s.find("bias")) {
    const npy::Array b = s.array("bias");
    if (b.size() != layer.weight.rows())
      s.fail("bias", "bias " + b.shape_text() + " does not match " + std::to_string(layer.weight.rows()) + " outputs");
    for (Eigen::Index o = 0; o < layer.weight.rows(); ++o) layer.bias(o) = static_cast<float>(b.values[o]);
  }
  if (const Node* bn = s.find("batchnorm")) {
    if (!bn->is_map()) s.fail("batchnorm", "expected a map of gamma, beta, mean, var (and eps)");
    for (const auto& e : bn->entries())
      if (e.key != "gamma" && e.key != "beta" && e.key != "mean" && e.key != "var" && e.key != "eps")
        throw ConfigError(e.key_where, s.key("batchnorm." + e.key),
                          "unknown key" + config::did_you_mean(e.key, {"gamma", "beta", "mean", "var", "eps"}));
    const auto n = layer.weight.rows();
    double eps = 1e-5;
    if (const Node* e = bn->find("eps")) {
      std::size_t used = 0;
      try {
        eps = std::stod(e->text(), &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (!e->is_scalar() || used == 0 || used != e->text().size() || !std::isfinite(eps) || eps < 0)
        throw ConfigError(e->where(), s.key("batchnorm.eps"), "expected a finite number >= 0, got '" + e->text() + "'");
    }
    const Eigen::VectorXd var = s.vector(*bn, "var", n);
    for (Eigen::Index o = 0; o < n; ++o)
      if (var(o) < 0 || var(o) + eps <= 0)
        throw ConfigError(bn->find("var")->where(), s.key("batchnorm.var"),
                          "variance at index " + std::to_string(o) + " is " + std::to_string(var(o)) +
                              (var(o) < 0 ? "; a variance cannot be negative" : "; with eps it must be above 0"));
    fold_batchnorm(layer, s.vector(*bn, "gamma", n), s.vector(*bn, "beta", n), s.vector(*bn, "mean", n), var, eps);
  }
}

Activation activation_of(const LayerSpec& s) {
  if (!s.find("activation")) return Activation::none();
  const std::string a = s.text("activation");
  if (a == "relu") return Activation::relu();
  if (a == "relu6") return Activation::clip(0, 6);
  if (a == "none") return Activation::none();
  s.fail("activation", "unknown activation '" + a + "'" + config::did_you_mean(a, {"relu", "relu6", "none"}) +
                           "; supported: none, relu, relu6");
}

Shape shape_of(const Node& n, const std::string& key) {
  if (!n.is_sequence() || n.items().empty())
    throw ConfigError(n.where(), key, "expected a list of dimensions like [3, 32, 32]");
  Shape s;
  for (const auto& item : n.items()) {
    long long v = 0;
    try {
      std::size_t used = 0;
      v = std::stoll(item.text(), &used);
      if (used != item.text().size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw ConfigError(item.where(), key, "dimension '" + item.text() + "' is not an integer");
    }
    if (v <= 0) throw ConfigError(item.where(), key, "dimensions must be positive");
    if (v > kMaxDimension)
      throw ConfigError(item.where(), key, "dimension " + item.text() + " is larger than " + std::to_string(kMaxDimension));
    s.push_back(v);
  }
  if (!util::checked_product(s))
    throw ConfigError(n.where(), key, "the shape holds more elements than 64 bits count");
  return s;
}

// The layer's type is one cimsim knows and its keys are those the type takes.
void check_layer_keys(const LayerSpec& s, const Node& node) {
  const std::string type = s.text("type");
  const auto keys = kKeys.find(type);
  if (keys == kKeys.end())
    s.fail("type", "unsupported layer type '" + type + "'" + config::did_you_mean(type, kTypes) +
                       "; supported: dense, conv, maxpool, avgpool, global_avgpool, add, concat, flatten");
  std::vector<std::string> allowed = keys->second;
  for (const char* k : {"name", "type", "input", "activation"}) allowed.push_back(k);
  for (const auto& e : node.entries())
    if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
      throw ConfigError(e.key_where, s.key(e.key),
                        "unknown key for a " + type + " layer" + config::did_you_mean(e.key, allowed));
}

}  // namespace

Network load_layer_list(const std::string& path) {
  const Node root = config::load_yaml_file(path);
  if (!root.is_map()) throw ConfigError(root.where(), "", "a network file must be a map");
  for (const auto& e : root.entries())
    if (e.key != "name" && e.key != "input_shape" && e.key != "layers")
      throw ConfigError(e.key_where, e.key, "unknown key" + config::did_you_mean(e.key, {"name", "input_shape", "layers"}));
  const fs::path dir = fs::path(path).parent_path();

  Network net;
  net.source = path;
  const Node* name = root.find("name");
  net.name = name && name->is_scalar() ? name->text() : fs::path(path).stem().string();
  const Node* in = root.find("input_shape");
  if (!in) throw ConfigError(root.where(), "input_shape", "missing key 'input_shape'");
  net.input_shape = shape_of(*in, "input_shape");

  const Node* layers = root.find("layers");
  if (!layers || !layers->is_sequence() || layers->items().empty())
    throw ConfigError(layers ? layers->where() : root.where(), "layers", "expected a non-empty list of layers");

  // Every layer's type and keys first: a misspelt key in the last layer is reported before the
  // weights of the layers above it are read or drawn (millions of values in a shape-only network).
  for (std::size_t i = 0; i < layers->items().size(); ++i) {
    const Node& node = layers->items()[i];
    if (!node.is_map()) throw ConfigError(node.where(), "layers[" + std::to_string(i) + "]", "expected a map");
    check_layer_keys(LayerSpec(node, "layers[" + std::to_string(i) + "].", dir), node);
  }

  std::map<std::string, int> index_of;
  for (std::size_t i = 0; i < layers->items().size(); ++i) {
    const Node& node = layers->items()[i];
    const std::string prefix = "layers[" + std::to_string(i) + "].";
    const LayerSpec s(node, prefix, dir);

    Layer layer;
    layer.name = s.text("name");
    if (index_of.count(layer.name)) s.fail("name", "layer name '" + layer.name + "' is used twice");
    const std::string type = s.text("type");

    // Inputs: the previous layer, or those named.
    std::vector<const Node*> named;
    if (const Node* src = s.find("input")) {
      if (src->is_sequence()) {
        for (const auto& item : src->items()) named.push_back(&item);
      } else {
        named.push_back(src);
      }
    }
    if (named.empty()) layer.inputs = {i == 0 ? Layer::kNetworkInput : static_cast<int>(i) - 1};
    for (const Node* n : named) {
      const std::string src = n->text();
      if (src == "input") layer.inputs.push_back(Layer::kNetworkInput);
      else if (index_of.count(src)) layer.inputs.push_back(index_of[src]);
      else {
        std::vector<std::string> names{"input"};
        for (const auto& kv : index_of) names.push_back(kv.first);
        throw ConfigError(n->where(), prefix + "input", "no earlier layer named '" + src + "'" + config::did_you_mean(src, names));
      }
    }
    const bool many = type == "add" || type == "concat";
    if (many && layer.inputs.size() < 2) s.fail("input", "a " + type + " layer takes a list of at least two inputs");
    if (!many && layer.inputs.size() != 1) s.fail("input", "a " + type + " layer takes one input");

    std::vector<Shape> in_shapes;
    for (int p : layer.inputs) in_shapes.push_back(net.shape_of(p));
    layer.in_shape = in_shapes.front();
    if (type == "dense") layer.op = Op::Dense;
    else if (type == "conv") layer.op = Op::Conv;
    else if (type == "maxpool") layer.op = Op::MaxPool;
    else if (type == "avgpool") layer.op = Op::AvgPool;
    else if (type == "global_avgpool") layer.op = Op::GlobalAvgPool;
    else if (type == "add") layer.op = Op::Add;
    else if (type == "concat") layer.op = Op::Concat;
    else layer.op = Op::Flatten;

    if (layer.op == Op::Conv || layer.op == Op::MaxPool || layer.op == Op::AvgPool)
      layer.window = window_of(s, layer.op != Op::Conv);
    if (layer.op == Op::Conv) layer.groups = static_cast<int>(s.integer("groups", 1, 1, kMaxGroups));
    if (layer.op == Op::AvgPool && s.find("count_include_pad")) layer.count_include_pad = s.text("count_include_pad") == "true";
    if (layer.is_matrix()) load_weights(layer, s, layer.in_shape, i);
    layer.activation = activation_of(s);
    try {
      layer.out_shape = infer_shape(layer, in_shapes);
    } catch (const std::invalid_argument& e) {
      s.fail("type", "layer '" + layer.name + "' (" + type + "): " + e.what());
    }
    if (!util::checked_product(layer.out_shape))
      s.fail("type", "layer '" + layer.name + "' (" + type + ") gives an output of shape " + shape_text(layer.out_shape) +
                         ", more elements than 64 bits count");
    index_of[layer.name] = static_cast<int>(net.layers.size());
    net.layers.push_back(std::move(layer));
  }
  return net;
}

}  // namespace cimsim::workload
