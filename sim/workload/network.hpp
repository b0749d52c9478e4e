#pragma once
// The workload as the simulator sees it: a graph of layers in execution order. Matrix layers
// (dense, convolution) carry float weights exactly as trained, batch norm already folded in; they
// run on arrays. Everything else (pooling, residual adds, concatenation, reshapes, the digital
// operators of models/operators) runs in the tiles' digital units. Tensors are per sample,
// flattened in C order: (channels, height, width) for images, (channels, length) for 1-D
// signals, (positions, features) for sequences, any shape for the digital operators.

#include <Eigen/Dense>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/operators/operator.hpp"
#include "sim/workload/weight_codes.hpp"

namespace cimsim::workload {

class FileWeights;  // file_weights.hpp

using Shape = std::vector<std::int64_t>;

std::int64_t element_count(const Shape& s);
std::string shape_text(const Shape& s);

// Identity carries only its activation (an ONNX Relu or Clip that cannot be fused into the layer
// before it, because that layer's output also goes elsewhere). Flatten is any reshape: it moves
// nothing. Operator is a digital operator from the registry (Layer::op_impl).
enum class Op { Dense, Conv, MaxPool, AvgPool, GlobalAvgPool, Add, Concat, Flatten, Identity, Operator };

const char* op_name(Op op);
// The op of that name; std::invalid_argument for a name no op has.
Op op_named(const std::string& name);

// What follows a layer's output: nothing, ReLU, or a clip to [lo, hi] (ReLU6 and friends).
struct Activation {
  enum class Kind { None, Relu, Clip };
  Kind kind = Kind::None;
  float lo = 0, hi = 0;

  static Activation none() { return {}; }
  static Activation relu() { return {Kind::Relu, 0, 0}; }
  static Activation clip(float lo, float hi) { return {Kind::Clip, lo, hi}; }
  std::string text() const;
};

// Sliding-window geometry shared by convolution and pooling. Pads may differ per side (ONNX).
// 1-D windows have height 1. With ceil_mode the last window may run past the padded input, as
// long as it starts inside the input or its leading pad (PyTorch's rule, which ONNX exports of
// PyTorch models assume).
struct Window {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  bool ceil_mode = false;

  int out_h(int in_h) const;
  int out_w(int in_w) const;
};

// A feature map seen as (channels, height, width): (C, H, W) as it is, (C, L) as (C, 1, L).
struct Spatial {
  std::int64_t c = 0, h = 1, w = 1;
};
// Throws std::invalid_argument for shapes of other ranks.
Spatial spatial_of(const Shape& s);

// A quantizer the model itself prescribes (QuantizeLinear/DequantizeLinear pairs in a QDQ ONNX
// model): q = saturate(round_half_even(x / scale) + zero_point), x' = (q − zero_point)·scale.
struct FixedQuant {
  double scale = 1;
  std::int32_t zero_point = 0;
  std::int32_t q_min = 0, q_max = 255;  // uint8: 0..255, int8: −128..127

  float apply(float x) const;  // quantize and dequantize
  std::int32_t code(float x) const;
  int bits() const;
};

struct Layer {
  static constexpr int kNetworkInput = -1;

  std::string name;
  Op op = Op::Dense;
  std::vector<int> inputs;  // producers, by layer index; kNetworkInput for the network input
  Shape out_shape;
  Activation activation;

  // Matrix layers: weight rows are outputs, columns are the elements of one input vector. A
  // convolution's columns are (input channel, kernel row, kernel column) over all input channels;
  // a grouped convolution is block diagonal (weights outside the group are zero).
  Eigen::MatrixXf weight;
  // Or, in an estimate loaded with LoadOptions::weights_in_file, the same weights where they lie in
  // the model file (file_weights.hpp), `weight` then empty: weights_of() builds the matrix.
  std::shared_ptr<const FileWeights> file_weights;
  Eigen::VectorXf bias;
  Window window;   // convolution and pooling
  int groups = 1;  // convolution
  bool count_include_pad = false;  // average pooling

  // QDQ models only: the quantizer of this layer's input and, for matrix layers, integer weights
  // with per-output scales, used instead of the simulator's own quantization. The codes are held
  // as narrow as their range allows (weight_codes.hpp): a depthwise convolution's lowered matrix is
  // mostly zeros (MobileNetV2's: 40 M codes), one byte each rather than four.
  std::optional<FixedQuant> input_quant;
  std::optional<FixedQuant> output_quant;  // fake-quantization of the output (after activation)
  WeightCodes weight_codes;
  Eigen::VectorXd weight_code_scale;

  // Dense only: applied to every position of the input's last axis (a MatMul on a sequence) rather
  // than to the whole input flattened; in_shape (…, in) gives out_shape (…, out).
  bool per_position = false;
  // Flatten only: the shape it gives (empty: one flat vector).
  Shape reshape_to;
  // Operator only: the digital operator, and its ONNX type for reports.
  std::shared_ptr<const models::Operator> op_impl;
  std::string op_type;

  // Recurrent time steps: step `step` of `steps` of a recurrent product. weight_source ≥ 0 names
  // the layer of step 0, whose weights (and, on the chip, arrays) this layer reuses; its input
  // vectors are numbered after that step's, so per-read draws differ from step to step.
  int weight_source = -1;
  int step = 0, steps = 1;

  bool is_matrix() const { return op == Op::Dense || op == Op::Conv; }
  Shape in_shape;  // shape of the (first) input, per sample
  std::int64_t in_features() const;
  std::int64_t out_features() const;
  // Input vectors one sample sends through the layer's arrays: 1 for dense, output pixels for a
  // convolution, positions for a per-position dense layer.
  std::int64_t vectors_per_sample() const;
  std::int64_t macs_per_sample() const;
  // The op's name in reports: op_name(op), or the operator's ONNX type in lower case.
  std::string type_name() const;
};

struct Network {
  std::string name;
  std::string source;  // file it was read from
  Shape input_shape;
  std::vector<Layer> layers;

  std::int64_t macs_per_sample() const;
  std::vector<int> matrix_layers() const;  // indices of layers that run on arrays
  const Shape& shape_of(int producer) const {
    return producer == Layer::kNetworkInput ? input_shape : layers[static_cast<std::size_t>(producer)].out_shape;
  }
};

// Lowers PyTorch/ONNX convolution weights [out, in/groups, kh, kw] (row-major in `w`) to the
// layer's matrix: out × (in · kh · kw), block diagonal over the groups.
Eigen::MatrixXf conv_weight_matrix(const std::vector<double>& w, int out, int in, int kh, int kw, int groups);

// The layer's float weight matrix: `weight`, or the matrix built from its file_weights into
// `scratch`, which then holds it.
const Eigen::MatrixXf& weights_of(const Layer& layer, Eigen::MatrixXf& scratch);
// Builds `weight` from file_weights (for what changes the weights, as folding a batch norm does).
void take_weights_from_file(Layer& layer);

// Folds batch normalisation y = γ·(x − mean)/sqrt(var + eps) + β into the preceding matrix layer.
void fold_batchnorm(Layer& layer, const Eigen::VectorXd& gamma, const Eigen::VectorXd& beta,
                    const Eigen::VectorXd& mean, const Eigen::VectorXd& var, double eps);

// Shape-only workloads: Kaiming-normal weights (std sqrt(2 / fan_in)), zero bias, from a seeded
// counter-based stream, so the same seed always gives the same network.
void init_random_weights(Layer& layer, std::int64_t fan_in, std::uint64_t seed);

// Output shape of a layer from its input shapes; throws std::invalid_argument with the reason
// when the shapes do not fit the op (callers turn it into an error naming the layer).
Shape infer_shape(const Layer& layer, const std::vector<Shape>& inputs);

}  // namespace cimsim::workload
