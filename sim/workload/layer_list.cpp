#include "sim/workload/layer_list.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "sim/config/node.hpp"
#include "sim/config/suggest.hpp"
#include "sim/util/npy.hpp"

namespace fs = std::filesystem;

namespace cimsim::workload {

using config::ConfigError;
using config::Node;

namespace {

const Node& require(const Node& map, const std::string& key, const std::string& where_key) {
  const Node* n = map.find(key);
  if (!n) throw ConfigError(map.where(), where_key, "missing key '" + key + "'");
  return *n;
}

std::string scalar(const Node& n, const std::string& key) {
  if (!n.is_scalar()) throw ConfigError(n.where(), key, "expected a single value, got " + n.kind_name());
  return n.text();
}

void only_keys(const Node& map, const std::vector<std::string>& allowed, const std::string& prefix) {
  for (const auto& e : map.entries())
    if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
      throw ConfigError(e.key_where, prefix + e.key, "unknown key" + config::did_you_mean(e.key, allowed));
}

Shape shape_of(const Node& n, const std::string& key) {
  if (!n.is_sequence() || n.items().empty())
    throw ConfigError(n.where(), key, "expected a list of dimensions like [64]");
  Shape s;
  for (const auto& item : n.items()) {
    long long v = 0;
    try {
      std::size_t used = 0;
      v = std::stoll(scalar(item, key), &used);
      if (used != item.text().size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw ConfigError(item.where(), key, "dimension '" + item.text() + "' is not an integer");
    }
    if (v <= 0) throw ConfigError(item.where(), key, "dimensions must be positive");
    s.push_back(v);
  }
  return s;
}

npy::Array load_npy_at(const Node& n, const std::string& key, const fs::path& dir) {
  const fs::path p = dir / scalar(n, key);
  if (!fs::exists(p)) throw ConfigError(n.where(), key, "file not found: " + p.lexically_normal().string());
  return npy::load(p.string());
}

void load_dense(Layer& layer, const Node& spec, const std::string& prefix, const fs::path& dir,
                std::int64_t in_features) {
  const Node& wnode = require(spec, "weights", prefix + "weights");
  const npy::Array w = load_npy_at(wnode, prefix + "weights", dir);
  if (w.shape.size() != 2)
    throw ConfigError(wnode.where(), prefix + "weights", "a dense weight must be 2-D [out, in], got " + w.shape_text());
  const auto out = w.shape[0], in = w.shape[1];
  if (in != in_features)
    throw ConfigError(wnode.where(), prefix + "weights",
                      "weight " + w.shape_text() + " takes " + std::to_string(in) + " inputs but the layer receives " +
                          std::to_string(in_features));
  layer.weight.resize(out, in);
  for (std::int64_t r = 0; r < out; ++r)
    for (std::int64_t c = 0; c < in; ++c) layer.weight(r, c) = static_cast<float>(w.values[r * in + c]);
  layer.bias = Eigen::VectorXf::Zero(out);
  if (const Node* bnode = spec.find("bias")) {
    const npy::Array b = load_npy_at(*bnode, prefix + "bias", dir);
    if (b.size() != out)
      throw ConfigError(bnode->where(), prefix + "bias",
                        "bias " + b.shape_text() + " does not match " + std::to_string(out) + " outputs");
    for (std::int64_t r = 0; r < out; ++r) layer.bias(r) = static_cast<float>(b.values[r]);
  }
  layer.out_shape = {out};
}

}  // namespace

Network load_layer_list(const std::string& path) {
  const Node root = config::load_yaml_file(path);
  if (!root.is_map()) throw ConfigError(root.where(), "", "a network file must be a map");
  only_keys(root, {"name", "input_shape", "layers"}, "");
  const fs::path dir = fs::path(path).parent_path();

  Network net;
  net.source = path;
  net.name = root.find("name") ? scalar(*root.find("name"), "name") : fs::path(path).stem().string();
  net.input_shape = shape_of(require(root, "input_shape", "input_shape"), "input_shape");

  const Node& layers = require(root, "layers", "layers");
  if (!layers.is_sequence() || layers.items().empty())
    throw ConfigError(layers.where(), "layers", "expected a non-empty list of layers");

  std::map<std::string, int> index_of;
  for (std::size_t i = 0; i < layers.items().size(); ++i) {
    const Node& spec = layers.items()[i];
    const std::string prefix = "layers[" + std::to_string(i) + "].";
    if (!spec.is_map()) throw ConfigError(spec.where(), "layers[" + std::to_string(i) + "]", "expected a map");
    only_keys(spec, {"name", "type", "weights", "bias", "activation", "input"}, prefix);

    Layer layer;
    layer.name = scalar(require(spec, "name", prefix + "name"), prefix + "name");
    if (index_of.count(layer.name))
      throw ConfigError(spec.find_entry("name")->value.where(), prefix + "name", "layer name '" + layer.name + "' is used twice");

    // Input: the previous layer, or the one named.
    int producer = i == 0 ? Layer::kNetworkInput : static_cast<int>(i) - 1;
    if (const Node* in = spec.find("input")) {
      const std::string src = scalar(*in, prefix + "input");
      if (src == "input") producer = Layer::kNetworkInput;
      else if (index_of.count(src)) producer = index_of[src];
      else {
        std::vector<std::string> names{"input"};
        for (const auto& kv : index_of) names.push_back(kv.first);
        throw ConfigError(in->where(), prefix + "input",
                          "no earlier layer named '" + src + "'" + config::did_you_mean(src, names));
      }
    }
    layer.inputs = {producer};
    const Shape in_shape = producer == Layer::kNetworkInput ? net.input_shape : net.layers[producer].out_shape;

    const Node& type = require(spec, "type", prefix + "type");
    const std::string t = scalar(type, prefix + "type");
    if (t == "dense") {
      layer.op = Op::Dense;
      load_dense(layer, spec, prefix, dir, element_count(in_shape));
    } else {
      throw ConfigError(type.where(), prefix + "type",
                        "unsupported layer type '" + t + "'" + config::did_you_mean(t, {"dense"}) + "; supported: dense");
    }

    if (const Node* act = spec.find("activation")) {
      const std::string a = scalar(*act, prefix + "activation");
      if (a == "relu") layer.activation = Activation::Relu;
      else if (a == "none") layer.activation = Activation::None;
      else
        throw ConfigError(act->where(), prefix + "activation",
                          "unknown activation '" + a + "'" + config::did_you_mean(a, {"relu", "none"}) +
                              "; supported: relu, none");
    }
    index_of[layer.name] = static_cast<int>(net.layers.size());
    net.layers.push_back(std::move(layer));
  }
  return net;
}

}  // namespace cimsim::workload
