#include "sim/workload/onnx/importer.hpp"

#include <cmath>
#include <filesystem>

#include "models/operators/tensor_index.hpp"

#include "sim/config/error.hpp"
#include "sim/workload/onnx_loader.hpp"

namespace cimsim::workload::onnx_import {

using config::InputError;

const std::set<std::string>& Importer::handled_ops() {
  static const std::set<std::string> ops = {
      "Conv",    "Gemm",     "MatMul",  "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool",
      "GlobalMaxPool", "Relu", "Clip", "Add",  "Concat",  "Flatten", "Reshape",  "Squeeze", "Unsqueeze",
      "Identity", "Dropout", "Cast",    "Split",    "QuantizeLinear", "DequantizeLinear", "LSTM", "GRU", "Constant"};
  return ops;
}

Importer::Importer(Graph graph, bool weights_in_file) : graph_(std::move(graph)), weights_in_file_(weights_in_file) {
  net_.source = graph_.path;
  // PyTorch names every graph "torch_jit" or "main_graph"; the file name says more then, and a
  // file called model*.onnx its folder: traces/mnist_cnn/model_qat.onnx is mnist_cnn_qat.
  const std::string& g = graph_.name;
  if (g.empty() || g == "torch_jit" || g == "main_graph") {
    const std::filesystem::path p(graph_.path);
    const std::string stem = p.stem().string();
    const std::string folder = p.parent_path().filename().string();
    net_.name = stem.rfind("model", 0) == 0 && !folder.empty() && folder != "." ? folder + stem.substr(5) : stem;
  } else {
    net_.name = g;
  }
  constants_ = std::move(graph_.initializers);
  for (const Node& n : graph_.nodes)
    for (const auto& i : n.inputs)
      if (!i.empty()) {
        ++readers_[i];
        ++reads_left_[i];
        consumers_[i].push_back(n.op);
        consumer_nodes_[i].push_back(&n);
      }
  for (const auto& o : graph_.outputs) ++readers_[o];
}

void Importer::fail(const Node& n, const std::string& what) const {
  throw InputError(graph_.path + ": error: node '" + n.name + "' (" + n.op + "): " + what);
}

void Importer::fail_attribute(const Node& n, const std::string& attribute, const std::string& what) const {
  if (attribute.empty()) fail(n, what);
  throw InputError(graph_.path + ": error: node '" + n.name + "' (" + n.op + "), attribute '" + attribute + "': " + what);
}

void Importer::fail_file(const std::string& what) const { throw InputError(graph_.path + ": error: " + what); }

std::int64_t Importer::int_attr(const Node& n, const std::string& name, std::int64_t fallback, std::int64_t lo,
                                std::int64_t hi) const {
  auto it = n.attributes.find(name);
  if (it == n.attributes.end()) return fallback;
  if (it->second.kind != models::Attribute::Kind::Int) fail_attribute(n, name, "must be an integer");
  const std::int64_t v = it->second.i;
  if (v < lo || v > hi)
    fail_attribute(n, name, std::to_string(v) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

double Importer::float_attr(const Node& n, const std::string& name, double fallback) const {
  auto it = n.attributes.find(name);
  if (it == n.attributes.end()) return fallback;
  if (it->second.kind != models::Attribute::Kind::Float) fail_attribute(n, name, "must be a float");
  if (std::isnan(it->second.f)) fail_attribute(n, name, "is NaN");
  return it->second.f;
}

std::string Importer::string_attr(const Node& n, const std::string& name, const std::string& fallback) const {
  auto it = n.attributes.find(name);
  if (it == n.attributes.end()) return fallback;
  if (it->second.kind != models::Attribute::Kind::String) fail_attribute(n, name, "must be a string");
  return it->second.s;
}

std::vector<std::int64_t> Importer::ints_attr(const Node& n, const std::string& name, std::int64_t lo,
                                              std::int64_t hi) const {
  auto it = n.attributes.find(name);
  if (it == n.attributes.end()) return {};
  if (it->second.kind != models::Attribute::Kind::Ints) fail_attribute(n, name, "must be a list of integers");
  for (std::int64_t v : it->second.ints)
    if (v < lo || v > hi)
      fail_attribute(n, name, "holds " + std::to_string(v) + ", outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return it->second.ints;
}

const Tensor* Importer::weight_constant(const std::string& name) const {
  auto it = constants_.find(name);
  return it == constants_.end() ? nullptr : &it->second;
}

const Tensor* Importer::constant(const std::string& name) const {
  auto it = constants_.find(name);
  if (it == constants_.end()) return nullptr;
  Tensor& t = it->second;
  if (t.deferred()) {
    // Data kept as read is checked here, as every other constant is when it is read.
    t.materialize();
    for (std::size_t i = 0; i < t.values.size(); ++i)
      if (std::isnan(t.values[i])) fail_file("constant '" + name + "' holds NaN at element " + std::to_string(i));
  }
  return &t;
}

const Tensor& Importer::need_weight_constant(const Node& n, std::size_t k, const std::string& what) const {
  if (!present(n, k)) fail(n, "input " + std::to_string(k) + " (" + what + ") is missing");
  const Tensor* t = weight_constant(n.inputs[k]);
  if (!t) fail(n, "input '" + n.inputs[k] + "' (" + what + ") must be a constant known when the network loads");
  return *t;
}

const Tensor& Importer::need_constant(const Node& n, std::size_t k, const std::string& what) const {
  need_weight_constant(n, k, what);
  return *constant(n.inputs[k]);  // the same tensor, with its values
}

Flow* Importer::flow(const std::string& name) {
  auto it = flows_.find(name);
  return it == flows_.end() ? nullptr : &it->second;
}

Flow& Importer::need_flow(const Node& n, std::size_t k, const std::string& what) {
  if (!present(n, k)) fail(n, "input " + std::to_string(k) + " (" + what + ") is missing");
  Flow* f = flow(n.inputs[k]);
  if (!f) fail(n, "input '" + n.inputs[k] + "' (" + what + ") must be computed from the network input");
  if (f->pending) fail(n, "reads a QuantizeLinear output directly; a DequantizeLinear must come first");
  return *f;
}

void Importer::check_finite(const Node& n, const Tensor& t, const std::string& what) const {
  const auto count = static_cast<std::size_t>(t.size());
  for (std::size_t i = 0; i < count; ++i)
    if (!std::isfinite(t.at(i))) fail(n, what + " holds a non-finite value at element " + std::to_string(i));
}

int Importer::add_layer(Layer layer, const Node& n, const std::vector<const Flow*>& inputs, const std::string& out,
                        const Layout& layout) {
  std::int64_t elements = 1;
  for (auto d : layout.dims) {
    if (d <= 0) fail(n, "gives an empty tensor " + models::dims_text(layout.dims));
    if (elements > models::kMaxSampleElements / d)
      fail(n, "gives a tensor of " + models::dims_text(layout.dims) + ", larger than cimsim supports per sample");
    elements *= d;
  }
  std::vector<Shape> shapes;
  for (const Flow* f : inputs) {
    layer.inputs.push_back(f->producer);
    shapes.push_back(f->layout.sample());
  }
  layer.in_shape = shapes.front();
  if (layer.name.empty()) layer.name = n.name;
  layer.out_shape = layout.sample();
  try {
    const Shape inferred = infer_shape(layer, shapes);
    if (inferred != layer.out_shape)
      fail(n, "gives " + shape_text(inferred) + " per sample where ONNX gives " + shape_text(layer.out_shape));
  } catch (const std::invalid_argument& e) {
    fail(n, e.what());
  }
  const int index = static_cast<int>(net_.layers.size());
  Flow f;
  f.producer = index;
  f.layout = layout;
  flows_[out] = f;
  net_.layers.push_back(std::move(layer));
  return index;
}

Layer* Importer::sole_producer(const Flow& f, const std::string& name) {
  if (f.producer == Layer::kNetworkInput || f.quant) return nullptr;
  if (readers_[name] != 1) return nullptr;
  Layer& p = net_.layers[static_cast<std::size_t>(f.producer)];
  if (p.activation.kind != Activation::Kind::None || p.output_quant) return nullptr;
  return &p;
}

void Importer::check_supported() const {
  std::vector<std::string> unsupported;
  const auto& registry = models::OperatorRegistry::instance();
  for (const Node& n : graph_.nodes) {
    const std::string key = n.domain.empty() ? n.op : n.domain + "." + n.op;
    if (!n.domain.empty() ? registry.find(key) != nullptr
                          : handled_ops().count(n.op) || foldable_ops().count(n.op) || registry.find(key))
      continue;
    unsupported.push_back("node '" + n.name + "' (" + key + ")");
  }
  if (unsupported.empty()) return;
  std::string list;
  for (const auto& u : unsupported) list += "\n  " + u;
  std::set<std::string> computed = handled_ops();
  for (const auto& r : registry.types()) computed.insert(r);
  std::string known, folded;
  for (const auto& k : computed) known += (known.empty() ? "" : ", ") + k;
  for (const auto& k : foldable_ops())
    if (!computed.count(k)) folded += (folded.empty() ? "" : ", ") + k;
  fail_file(std::to_string(unsupported.size()) + " node" + (unsupported.size() == 1 ? " uses an operator" : "s use operators") +
            " cimsim does not support:" + list + "\nsupported: " + known + "\nsupported on constants (folded when the network loads): " + folded);
}

void Importer::define_input() {
  if (graph_.inputs.empty()) fail_file("the graph has no input (every input is an initializer)");
  if (graph_.inputs.size() > 1) {
    std::string names;
    for (const auto& i : graph_.inputs) names += (names.empty() ? "" : ", ") + i.name;
    fail_file("the graph has " + std::to_string(graph_.inputs.size()) + " inputs (" + names +
              "); cimsim runs networks with one input");
  }
  const GraphInput& in = graph_.inputs.front();
  if (in.dims.size() < 2) fail_file("input '" + in.name + "' must have a batch axis and a sample shape");
  if (in.dims[0] == 0 || in.dims[0] < -1) fail_file("input '" + in.name + "' has batch size " + std::to_string(in.dims[0]));
  Flow f;
  f.layout.axis = 0;
  f.layout.dims.push_back(1);
  for (std::size_t d = 1; d < in.dims.size(); ++d) {
    if (in.dims[d] <= 0)
      fail_file("input '" + in.name + "' has an open or empty dimension " + std::to_string(d) +
                (in.dim_names[d].empty() ? "" : " ('" + in.dim_names[d] + "')") + "; only the batch may vary");
    if (element_count(net_.input_shape) > models::kMaxSampleElements / in.dims[d])
      fail_file("input '" + in.name + "' is larger per sample than cimsim supports (dimension " + std::to_string(d) + " is " +
                std::to_string(in.dims[d]) + ")");
    f.layout.dims.push_back(in.dims[d]);
    net_.input_shape.push_back(in.dims[d]);
  }
  flows_[in.name] = f;
}

void Importer::walk() {
  for (const Node& n : graph_.nodes) {
    handle(n);
    // A constant no later node reads is dropped: weights live once, in their layer.
    for (const auto& i : n.inputs)
      if (!i.empty() && --reads_left_[i] == 0) constants_.erase(i);
  }
}

void Importer::handle(const Node& n) {
  bool all_constant = n.op != "Constant";
  for (std::size_t k = 0; k < n.inputs.size(); ++k)
    if (present(n, k) && !weight_constant(n.inputs[k])) all_constant = false;
  const bool shape_of_flow = n.op == "Shape" || n.op == "Size";
  if (n.op == "Constant" || ((all_constant || shape_of_flow) && foldable_ops().count(n.op) && n.domain.empty())) {
    if (!fold(n)) fail(n, "cannot be computed when the network loads");
    return;
  }
  if (all_constant && n.domain.empty() && !n.inputs.empty())
    fail(n, "computes on constants only, and cimsim does not fold this operator");
  if (!n.domain.empty()) {
    make_operator(n, n.domain + "." + n.op);
    return;
  }
  const std::string& op = n.op;
  if (op == "Conv") conv(n);
  else if (op == "Gemm") gemm(n);
  else if (op == "MatMul") matmul(n);
  else if (op == "BatchNormalization") batchnorm(n);
  else if (op == "MaxPool" || op == "AveragePool") pool(n);
  else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") global_pool(n);
  else if (op == "Relu") activation(n);
  else if (op == "Clip" || op == "Cast") {
    const Flow* f = present(n, 0) ? flow(n.inputs[0]) : nullptr;
    if (f && f->pending) quant_chain(n);
    else if (op == "Clip") activation(n);
    else reshape_like(n);
  } else if (op == "Add") add(n);
  else if (op == "Concat") concat(n);
  else if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" || op == "Identity" ||
           op == "Dropout")
    reshape_like(n);
  else if (op == "Split") split(n);
  else if (op == "QuantizeLinear") quantize(n);
  else if (op == "DequantizeLinear") dequantize(n);
  else if (op == "LSTM" || op == "GRU") recurrent(n);
  else if (op == "Resize") make_operator(n, op, 0, {}, 3);
  else if (models::OperatorRegistry::instance().find(op)) make_operator(n, op);
  else fail(n, "cannot be computed from the network input (it only folds on constants)");
}

Network Importer::run() {
  check_supported();
  define_input();
  walk();
  const std::string& output = graph_.outputs.front();
  const Flow* out = flow(output);
  if (!out) fail_file("the graph output '" + output + "' is a constant, not computed from the input");
  if (out->pending) fail_file("the graph output '" + output + "' is quantized but never dequantized");
  if (out->producer == Layer::kNetworkInput) fail_file("the graph output '" + output + "' is the input itself");
  if (out->layout.outer * out->layout.inner != 1 && out->layout.axis != 0)
    fail_file("the graph output '" + output + "' has the batch merged with other dimensions");
  // Layers the output does not depend on (outputs nothing reads, such as an LSTM's unused states)
  // are dropped.
  std::vector<bool> live(net_.layers.size(), false);
  live[static_cast<std::size_t>(out->producer)] = true;
  for (std::size_t l = net_.layers.size(); l-- > 0;) {
    if (!live[l]) continue;
    for (int p : net_.layers[l].inputs)
      if (p >= 0) live[static_cast<std::size_t>(p)] = true;
    if (net_.layers[l].weight_source >= 0) live[static_cast<std::size_t>(net_.layers[l].weight_source)] = true;
  }
  std::vector<int> renumber(net_.layers.size(), -1);
  std::vector<Layer> kept;
  for (std::size_t l = 0; l < net_.layers.size(); ++l) {
    if (!live[l]) continue;
    renumber[l] = static_cast<int>(kept.size());
    kept.push_back(std::move(net_.layers[l]));
  }
  for (Layer& l : kept) {
    for (int& p : l.inputs)
      if (p >= 0) p = renumber[static_cast<std::size_t>(p)];
    if (l.weight_source >= 0) l.weight_source = renumber[static_cast<std::size_t>(l.weight_source)];
  }
  net_.layers = std::move(kept);
  if (renumber[static_cast<std::size_t>(out->producer)] != static_cast<int>(net_.layers.size()) - 1)
    fail_file("the graph output '" + output + "' must come from the last layer");
  return std::move(net_);
}

}  // namespace cimsim::workload::onnx_import
