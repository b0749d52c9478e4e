#pragma once
// The ONNX importer's state while it walks a checked graph (graph.hpp) in order: the constants
// it knows (folded as it goes: shape arithmetic, weight transposes, quantized weights), the
// tensors the network computes and their layouts, and the layers built so far. Each family of
// operators is handled in a file of its own (constants.cpp, matrix.cpp, pooling.cpp,
// elementwise.cpp, reshape.cpp, quantization.cpp, recurrent.cpp); operators of the digital
// unit's registry (models/operators) are built by make_operator().

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/workload/network.hpp"
#include "sim/workload/onnx/graph.hpp"
#include "sim/workload/onnx/layout.hpp"

namespace cimsim::workload::onnx_import {

class Importer {
 public:
  // `weights_in_file`: large float32 weights stay in the model file (Layer::file_weights).
  explicit Importer(Graph graph, bool weights_in_file = false);
  Network run();

  // --- used by the operator families ---
  [[noreturn]] void fail(const Node& n, const std::string& what) const;
  [[noreturn]] void fail_attribute(const Node& n, const std::string& attribute, const std::string& what) const;
  [[noreturn]] void fail_file(const std::string& what) const;

  // Attributes, range-checked before any narrowing (an error names the attribute and the range).
  std::int64_t int_attr(const Node& n, const std::string& name, std::int64_t fallback, std::int64_t lo,
                        std::int64_t hi) const;
  double float_attr(const Node& n, const std::string& name, double fallback) const;
  std::string string_attr(const Node& n, const std::string& name, const std::string& fallback) const;
  // An INTS attribute (empty when absent), each value in [lo, hi].
  std::vector<std::int64_t> ints_attr(const Node& n, const std::string& name, std::int64_t lo, std::int64_t hi) const;
  bool has_attr(const Node& n, const std::string& name) const { return n.attributes.count(name) != 0; }

  bool present(const Node& n, std::size_t k) const { return k < n.inputs.size() && !n.inputs[k].empty(); }
  // A constant with its `values` (a deferred float32 initializer is converted on first use).
  const Tensor* constant(const std::string& name) const;
  const Tensor& need_constant(const Node& n, std::size_t k, const std::string& what) const;
  // The constant as stored, not converted: for weight matrices, which read a deferred initializer
  // as it is (Tensor::at), and for checks that only ask whether a tensor is constant.
  const Tensor* weight_constant(const std::string& name) const;
  const Tensor& need_weight_constant(const Node& n, std::size_t k, const std::string& what) const;
  Flow* flow(const std::string& name);
  Flow& need_flow(const Node& n, std::size_t k, const std::string& what);
  // Finite values only: weights, biases, scales and normalisation parameters.
  void check_finite(const Node& n, const Tensor& t, const std::string& what) const;
  // A weight matrix once built from `w` (checked then, not in a pass of its own over the model
  // file): a non-finite value of `w` is reported where it is in `w`, and a finite one that
  // scaling (Gemm's alpha) carried past the float range as that.
  void check_weights(const Node& n, const Tensor& w, const Eigen::MatrixXf& built) const;
  // Whether weights `w` stay as stored (Layer::file_weights) rather than in Layer::weight: asked
  // for, no integer codes, and float32 in the file or `grouped` (a grouped convolution's matrix is
  // mostly the zeros off its diagonal blocks: MobileNetV2's depthwise layers lowered to 162 MB).
  bool keep_in_file(const Tensor& w, bool grouped = false) const;
  // Weights `w` as stored, for Layer::file_weights: where they lie in the file, or a float32 copy
  // of a tensor already converted. Non-finite values are reported as check_finite() does.
  std::shared_ptr<const FileWeights> stored_weights(const Node& n, const Tensor& w, int out, int in, int kh, int kw,
                                                    int groups) const;
  void fill_dense_weights(const Node& n, Layer& layer, const Tensor& w, bool transpose, double alpha) const;

  // Adds a layer reading `inputs` (flows) and records its output `out` with `layout`.
  int add_layer(Layer layer, const Node& n, const std::vector<const Flow*>& inputs, const std::string& out,
                const Layout& layout);
  // The producer of flow `f` (read as tensor `name`) when node `n` may change it in place (fuse
  // an activation, fold a batch norm or a bias): a layer whose output only this node reads.
  Layer* sole_producer(const Flow& f, const std::string& name);
  Layer& layer(int index) { return net_.layers[static_cast<std::size_t>(index)]; }
  void set_constant(const std::string& name, Tensor t) { constants_[name] = std::move(t); }
  // Registers the int64 list [v] as constant `name` (starts, ends and axes of a Slice the importer
  // builds) and returns the name.
  std::string int_list(const std::string& name, std::int64_t v);
  void set_flow(const std::string& name, Flow f) { flows_[name] = std::move(f); }
  // Operator types reading tensor `name`, and how many nodes or graph outputs read it.
  const std::vector<std::string>& readers_of(const std::string& name) { return consumers_[name]; }
  int reader_count(const std::string& name) { return readers_[name]; }
  // The nodes reading tensor `name`.
  const std::vector<const Node*>& consumers_of(const std::string& name) { return consumer_nodes_[name]; }
  int opset() const { return graph_.opset; }
  const std::string& path() const { return graph_.path; }

  // A digital operator from the registry for node `n` (its type `type`), its inputs as they are
  // known; adds its layer. Output 0 only. `opset` (0: the model's) and `extra` attributes let a
  // node be built as an operator of another type (GlobalMaxPool as ReduceMax).
  // `per_sample_shape`: the position of an input that is a shape of one sample's tensor, which an
  // export may compute from the batch size (Resize's sizes, [N, C, H, W]); it is taken at batch
  // size 1, like the operator's activations, and the operator's batch_axis() refuses a shape that
  // resizes the batch.
  void make_operator(const Node& n, const std::string& type, int opset = 0,
                     const std::map<std::string, models::Attribute>& extra = {}, int per_sample_shape = -1);
  // The operator of `type` made from `args` (their activation inputs are `flows`, in order), as a
  // layer whose output is tensor `out`. Its layout follows from the operator's batch_axis(), or
  // is `layout` when given (the element count must agree).
  void add_operator(const Node& n, const std::string& type, const models::OperatorArgs& args,
                    const std::vector<const Flow*>& flows, const std::string& out, const Layout* layout);

  // --- the families (one file each) ---
  bool fold(const Node& n);  // all inputs constant: computes the outputs; false if not foldable
  // Folds a data-movement node (Gather, Slice, Transpose, Concat, ScatterND) through the registry's
  // operator of that type: its copy table applied to the constant inputs at positions `data` (the
  // tensors it moves; the other inputs are its parameters, such as indices).
  Tensor fold_move(const Node& n, const std::vector<std::size_t>& data);
  void conv(const Node& n);
  // A dense layer over the last axis of `x` (weights transposed when `transpose`), scaled by alpha,
  // with an optional bias scaled by beta.
  // Returns the layer's index; its output is tensor `out`.
  int dense(const Node& n, const Flow& x, const Tensor& w, bool transpose, double alpha, const Tensor* bias, double beta,
            const std::string& out);
  // The window of a Conv or pooling node over an input of `dims` (batch first) with `kernel`,
  // every attribute range-checked.
  Window window_of(const Node& n, const Dims& dims, const Dims& kernel, bool conv) const;
  void gemm(const Node& n);
  void matmul(const Node& n);
  void batchnorm(const Node& n);
  void pool(const Node& n);
  void global_pool(const Node& n);
  void activation(const Node& n);
  void add(const Node& n);
  void concat(const Node& n);
  void reshape_like(const Node& n);
  void split(const Node& n);
  FixedQuant quantizer(const Node& n) const;  // from a QuantizeLinear/DequantizeLinear's scale and zero point
  void quantize(const Node& n);
  void dequantize(const Node& n);
  void quant_chain(const Node& n);  // Clip or Cast between QuantizeLinear and DequantizeLinear
  void recurrent(const Node& n);
  // Elements [first, first + count) of axis 1 of a [1, S] state tensor, as tensor `out`.
  std::string slice_state(const Node& n, const std::string& state, const std::string& out, std::int64_t first,
                          std::int64_t count);

  // Operator types the importer handles itself (not through the registry), and those it folds
  // when every input is constant.
  static const std::set<std::string>& handled_ops();
  static const std::set<std::string>& foldable_ops();

 private:
  void check_supported() const;
  void define_input();
  void walk();
  void handle(const Node& n);

  Graph graph_;
  bool weights_in_file_ = false;
  Network net_;
  // Mutable: constant() converts a deferred initializer in place the first time it is read.
  mutable std::map<std::string, Tensor> constants_;
  std::map<std::string, Flow> flows_;
  std::map<std::string, int> readers_;
  std::map<std::string, int> reads_left_;  // by nodes not yet walked
  std::map<std::string, std::vector<std::string>> consumers_;
  std::map<std::string, std::vector<const Node*>> consumer_nodes_;
};

}  // namespace cimsim::workload::onnx_import
