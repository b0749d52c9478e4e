#pragma once
// The workload as the simulator sees it: a graph of layers in execution order. Matrix layers
// (dense, and convolutions once lowered) carry float weights exactly as trained; everything
// digital (activations, pooling, residual adds) is an op on the layer's outputs.

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

namespace cimsim::workload {

using Shape = std::vector<std::int64_t>;

std::int64_t element_count(const Shape& s);
std::string shape_text(const Shape& s);

enum class Op { Dense };
enum class Activation { None, Relu };

const char* op_name(Op op);
const char* activation_name(Activation a);

struct Layer {
  static constexpr int kNetworkInput = -1;

  std::string name;
  Op op = Op::Dense;
  std::vector<int> inputs;  // producers, by layer index; kNetworkInput for the network input
  Shape out_shape;
  Activation activation = Activation::None;

  // Matrix layers: weight rows are outputs, columns are the elements of one input vector.
  Eigen::MatrixXf weight;
  Eigen::VectorXf bias;

  bool is_matrix() const { return op == Op::Dense; }
  std::int64_t in_features() const { return weight.cols(); }
  std::int64_t out_features() const { return weight.rows(); }
  // Input vectors one sample sends through the layer's arrays (1 for dense; output pixels for
  // a lowered convolution).
  std::int64_t vectors_per_sample() const { return 1; }
  std::int64_t macs_per_sample() const { return in_features() * out_features() * vectors_per_sample(); }
};

struct Network {
  std::string name;
  std::string source;  // file it was read from
  Shape input_shape;
  std::vector<Layer> layers;

  std::int64_t macs_per_sample() const;
  std::vector<int> matrix_layers() const;  // indices of layers that run on arrays
};

}  // namespace cimsim::workload
