#include "sim/workload/layer_list.hpp"

#include <filesystem>
#include <map>

#include "sim/config/node.hpp"
#include "sim/config/suggest.hpp"
#include "sim/util/npy.hpp"

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

// Reads one layer's keys with their places, for errors that point at the right line.
class LayerSpec {
 public:
  LayerSpec(const Node& node, std::string prefix, fs::path dir)
      : node_(node), prefix_(std::move(prefix)), dir_(std::move(dir)) {}

  const Node* find(const std::string& key) const { return node_.find(key); }
  std::string key(const std::string& k) const { return prefix_ + k; }
  [[noreturn]] void fail(const std::string& k, const std::string& msg) const {
    const Node* n = node_.find(k);
    throw ConfigError(n ? n->where() : node_.where(), key(k), msg);
  }

  const Node& need(const std::string& k) const {
    const Node* n = node_.find(k);
    if (!n) throw ConfigError(node_.where(), key(k), "missing key '" + k + "'");
    return *n;
  }
  std::string text(const std::string& k) const {
    const Node& n = need(k);
    if (!n.is_scalar()) fail(k, "expected a single value, got " + n.kind_name());
    return n.text();
  }
  long long integer(const Node& n, const std::string& k, long long lo) const {
    long long v = 0;
    try {
      std::size_t used = 0;
      if (!n.is_scalar()) throw std::invalid_argument("");
      v = std::stoll(n.text(), &used);
      if (used != n.text().size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw ConfigError(n.where(), key(k), "expected an integer, got '" + n.text() + "'");
    }
    if (v < lo) throw ConfigError(n.where(), key(k), "must be at least " + std::to_string(lo));
    return v;
  }
  long long integer(const std::string& k, long long def, long long lo) const {
    const Node* n = node_.find(k);
    return n ? integer(*n, k, lo) : def;
  }
  // An int, or a list of `count` ints ([h, w], or [top, left, bottom, right] for padding).
  std::vector<int> ints(const std::string& k, std::vector<int> def, std::vector<std::size_t> counts, long long lo) const {
    const Node* n = node_.find(k);
    if (!n) return def;
    if (n->is_scalar()) return std::vector<int>(counts.front(), static_cast<int>(integer(*n, k, lo)));
    if (!n->is_sequence() || std::find(counts.begin() + 1, counts.end(), n->items().size()) == counts.end())
      fail(k, "expected an integer or a list of " + std::to_string(counts.back()) + " integers");
    std::vector<int> out;
    for (const auto& item : n->items()) out.push_back(static_cast<int>(integer(item, k, lo)));
    return out;
  }
  npy::Array array(const std::string& k) const {
    const Node& n = need(k);
    if (!n.is_scalar()) fail(k, "expected a .npy file name");
    const fs::path p = dir_ / n.text();
    if (!fs::exists(p)) fail(k, "file not found: " + p.lexically_normal().string());
    return npy::load(p.string());
  }
  Eigen::VectorXd vector(const Node& map, const std::string& k, std::int64_t size) const {
    const Node* n = map.find(k);
    const std::string full = key("batchnorm." + k);
    if (!n || !n->is_scalar()) throw ConfigError(map.where(), full, "expected a .npy file name");
    const fs::path p = dir_ / n->text();
    if (!fs::exists(p)) throw ConfigError(n->where(), full, "file not found: " + p.lexically_normal().string());
    const npy::Array a = npy::load(p.string());
    if (a.size() != size)
      throw ConfigError(n->where(), full, "holds " + std::to_string(a.size()) + " values for " + std::to_string(size) + " outputs");
    return Eigen::Map<const Eigen::VectorXd>(a.values.data(), size);
  }

 private:
  const Node& node_;
  std::string prefix_;
  fs::path dir_;
};

Window window_of(const LayerSpec& s, bool pool) {
  Window w;
  const auto kernel = s.ints("kernel", {1, 1}, {1, 2}, 1);
  w.kernel_h = kernel[0];
  w.kernel_w = kernel.back();
  const auto stride = s.ints("stride", pool ? kernel : std::vector<int>{1, 1}, {1, 2}, 1);
  w.stride_h = stride[0];
  w.stride_w = stride.back();
  const auto pad = s.ints("padding", {0, 0}, {1, 2, 4}, 0);
  w.pad_top = pad[0];
  w.pad_left = pad.size() > 1 ? pad[1] : pad[0];
  w.pad_bottom = pad.size() == 4 ? pad[2] : w.pad_top;
  w.pad_right = pad.size() == 4 ? pad[3] : w.pad_left;
  const auto dil = s.ints("dilation", {1, 1}, {1, 2}, 1);
  w.dilation_h = dil[0];
  w.dilation_w = dil.back();
  return w;
}

// Weights from a file, or drawn for a shape-only workload.
void load_weights(Layer& layer, const LayerSpec& s, const Shape& in, std::size_t index) {
  const bool conv = layer.op == Op::Conv;
  if (s.find("weights") && s.find("init")) s.fail("init", "give either weights or init, not both");
  if (s.find("weights")) {
    const npy::Array w = s.array("weights");
    if (conv) {
      if (w.shape.size() != 4) s.fail("weights", "a conv weight must be 4-D [out, in/groups, kh, kw], got " + w.shape_text());
      layer.window.kernel_h = static_cast<int>(w.shape[2]);
      layer.window.kernel_w = static_cast<int>(w.shape[3]);
      if (s.find("kernel")) {
        const auto k = s.ints("kernel", {}, {1, 2}, 1);
        if (k.front() != layer.window.kernel_h || k.back() != layer.window.kernel_w)
          s.fail("kernel", "does not match the weight file's kernel " + w.shape_text());
      }
      const std::int64_t channels = in.empty() ? 0 : in[0];
      if (w.shape[1] * layer.groups != channels)
        s.fail("weights", "weight " + w.shape_text() + " with " + std::to_string(layer.groups) + " groups takes " +
                              std::to_string(w.shape[1] * layer.groups) + " input channels; the input has " +
                              std::to_string(channels));
      if (w.shape[0] % layer.groups != 0) s.fail("groups", "does not divide the " + std::to_string(w.shape[0]) + " outputs");
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
    const std::uint64_t sd = seed ? static_cast<std::uint64_t>(s.integer(*seed, "init.seed", 0)) : index;
    const std::int64_t outs = conv ? s.integer(s.need("out_channels"), "out_channels", 1)
                                   : s.integer(s.need("out_features"), "out_features", 1);
    if (conv) {
      const std::int64_t channels = in.empty() ? 0 : in[0];
      if (channels % layer.groups != 0 || outs % layer.groups != 0)
        s.fail("groups", "must divide " + std::to_string(channels) + " input and " + std::to_string(outs) + " output channels");
      const std::vector<double> ones(static_cast<std::size_t>(outs * channels / layer.groups * layer.window.kernel_h *
                                                              layer.window.kernel_w), 1.0);
      layer.weight = conv_weight_matrix(ones, static_cast<int>(outs), static_cast<int>(channels), layer.window.kernel_h,
                                        layer.window.kernel_w, layer.groups);
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
      try {
        eps = std::stod(e->text());
      } catch (const std::exception&) {
        throw ConfigError(e->where(), s.key("batchnorm.eps"), "expected a number");
      }
    }
    fold_batchnorm(layer, s.vector(*bn, "gamma", n), s.vector(*bn, "beta", n), s.vector(*bn, "mean", n),
                   s.vector(*bn, "var", n), eps);
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
    s.push_back(v);
  }
  return s;
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

  std::map<std::string, int> index_of;
  for (std::size_t i = 0; i < layers->items().size(); ++i) {
    const Node& node = layers->items()[i];
    const std::string prefix = "layers[" + std::to_string(i) + "].";
    if (!node.is_map()) throw ConfigError(node.where(), "layers[" + std::to_string(i) + "]", "expected a map");
    const LayerSpec s(node, prefix, dir);

    Layer layer;
    layer.name = s.text("name");
    if (index_of.count(layer.name)) s.fail("name", "layer name '" + layer.name + "' is used twice");
    const std::string type = s.text("type");
    const auto keys = kKeys.find(type);
    if (keys == kKeys.end())
      s.fail("type", "unsupported layer type '" + type + "'" + config::did_you_mean(type, kTypes) +
                         "; supported: dense, conv, maxpool, avgpool, global_avgpool, add, concat, flatten");
    std::vector<std::string> allowed = keys->second;
    for (const char* k : {"name", "type", "input", "activation"}) allowed.push_back(k);
    for (const auto& e : node.entries())
      if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
        throw ConfigError(e.key_where, prefix + e.key,
                          "unknown key for a " + type + " layer" + config::did_you_mean(e.key, allowed));

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
    if (layer.op == Op::Conv) layer.groups = static_cast<int>(s.integer("groups", 1, 1));
    if (layer.op == Op::AvgPool && s.find("count_include_pad")) layer.count_include_pad = s.text("count_include_pad") == "true";
    if (layer.is_matrix()) load_weights(layer, s, layer.in_shape, i);
    layer.activation = activation_of(s);
    try {
      layer.out_shape = infer_shape(layer, in_shapes);
    } catch (const std::invalid_argument& e) {
      s.fail("type", "layer '" + layer.name + "' (" + type + "): " + e.what());
    }
    index_of[layer.name] = static_cast<int>(net.layers.size());
    net.layers.push_back(std::move(layer));
  }
  return net;
}

}  // namespace cimsim::workload
