#pragma once
// Digital operators: what a tile's digital unit computes between the arrays (activation
// functions, element-wise arithmetic, reductions, normalisation, data movement, products of two
// activations). Each operator is one source file that registers itself under its ONNX name;
// plug-ins add more through the same registry (sim/plugins/plugin_api.hpp).
//
// An operator works on one sample's tensors exactly as ONNX defines the operator on a batch of
// one: shapes are the full ONNX shapes with the batch size set to 1, attributes keep their ONNX
// meaning (negative axes, broadcasting). A batch holds one such tensor per column, flattened in C
// order. The network loader makes sure no operator reaches across samples (batch_axis()).
//
// Pure C++ and Eigen; no simulator headers, so that a plug-in needs nothing else.

#include <Eigen/Dense>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace cimsim::models {

using Dims = std::vector<std::int64_t>;
using OperatorBatch = Eigen::MatrixXf;  // one column per sample

std::int64_t element_count(const Dims& d);
std::string dims_text(const Dims& d);

// An integer an operator reads from a constant or an attribute (a size, an index, a pad, an axis),
// held within ±2^61: exporters write INT64_MAX for "to the end", and a file may hold anything, so
// that a few such values can be added without overflow before the operator checks what they mean
// (a cast of a double beyond the int64 range, or a sum past it, is undefined behaviour).
inline constexpr std::int64_t kIntLimit = std::int64_t{1} << 61;
inline std::int64_t saturated_int(double v) {
  constexpr auto lim = static_cast<double>(kIntLimit);
  return v >= lim ? kIntLimit : v <= -lim ? -kIntLimit : static_cast<std::int64_t>(v);
}
inline std::int64_t saturated_int(std::int64_t v) { return std::clamp(v, -kIntLimit, kIntLimit); }

// Work of the digital unit per sample, in the actions the cost models price.
struct DigitalOps {
  std::int64_t adds = 0, mults = 0, compares = 0;
  DigitalOps& operator+=(const DigitalOps& o);
  DigitalOps operator+(const DigitalOps& o) const;
  DigitalOps operator*(std::int64_t n) const;
};

// A value the operator refuses (an attribute out of range, shapes that do not fit). The loader
// turns it into an error naming the file, the node, the operator and `attribute`.
class OperatorError : public std::invalid_argument {
 public:
  OperatorError(std::string attribute, const std::string& what)
      : std::invalid_argument(what), attribute_(std::move(attribute)) {}
  const std::string& attribute() const { return attribute_; }

 private:
  std::string attribute_;
};

// An ONNX attribute, as read from the model.
struct Attribute {
  enum class Kind { Int, Ints, Float, Floats, String, Tensor };
  Kind kind = Kind::Int;
  std::int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<std::int64_t> ints;
  std::vector<double> floats;
  Dims tensor_dims;  // Tensor: its shape and values (floats holds the values)
  int tensor_type = 0;  // Tensor: its ONNX element type
};

// One input of the node: an activation (a tensor computed per sample), a constant known when the
// network loads (weights, scales, exponents), or absent (an optional ONNX input left empty).
struct OperatorInput {
  enum class Kind { Activation, Constant, Absent };
  Kind kind = Kind::Absent;
  Dims dims;                   // activations: at batch size 1; constants: as stored
  std::vector<double> values;  // constants only, C order
  bool integral = false;       // constants: an integer element type
  // Constants only: the tensor stands for one copy per sample (ConstantOfShape or Expand over the
  // batch); `dims` are then at batch size 1, like an activation's.
  bool per_sample = false;
};

// What an operator is made from: the node's attributes and inputs, and the opset it was written
// for (several operators changed meaning between opsets).
struct OperatorArgs {
  std::string type;  // ONNX op_type (or a plug-in's name)
  int opset = 13;
  std::vector<OperatorInput> inputs;
  std::map<std::string, Attribute> attributes;

  bool has(const std::string& name) const { return attributes.count(name) != 0; }
  // Integer attributes come saturated (saturated_int), as constant_integers() below.
  std::int64_t integer(const std::string& name, std::int64_t fallback) const;
  double real(const std::string& name, double fallback) const;
  std::string text(const std::string& name, const std::string& fallback) const;
  std::vector<std::int64_t> integers(const std::string& name) const;  // empty when absent
  std::vector<double> reals(const std::string& name) const;

  // Input `k`, refused (naming `what`) when absent or of the wrong kind.
  const OperatorInput& activation(std::size_t k, const std::string& what) const;
  const OperatorInput& constant(std::size_t k, const std::string& what) const;
  // Constant input `k` as integers (sizes, indices, pads, axes), each saturated (saturated_int).
  std::vector<std::int64_t> constant_integers(std::size_t k, const std::string& what) const;
  bool present(std::size_t k) const { return k < inputs.size() && inputs[k].kind != OperatorInput::Kind::Absent; }
  // Positions of the activation inputs, in order: forward() receives them in this order.
  std::vector<std::size_t> activation_positions() const;

  // An axis attribute in [−rank, rank), normalised to [0, rank).
  std::int64_t axis(std::int64_t value, std::int64_t rank, const std::string& attribute) const;
  [[noreturn]] void fail(const std::string& attribute, const std::string& what) const;
};

class Operator {
 public:
  virtual ~Operator() = default;

  // Output shape at batch size 1.
  virtual Dims output_dims() const = 0;
  // Which output axis holds the batch, given the axis that holds it in each activation input
  // (in activation order). −1 when the operator would combine elements of different samples
  // along that axis (a reduction, softmax or concatenation over it): the loader refuses that.
  virtual int batch_axis(const std::vector<int>& input_axes) const = 0;
  // Outputs of a batch, one column per sample; one batch per activation input, in order.
  virtual OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const = 0;
  // Work per sample in the digital unit.
  virtual DigitalOps cost() const = 0;

  // Gradients with respect to each activation input, for analyses that back-propagate (the
  // worst-case search). Operators that cannot say are not differentiable; such analyses refuse.
  virtual bool differentiable() const { return false; }
  virtual std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs,
                                              const OperatorBatch& output, const OperatorBatch& grad_output) const;
};

using OperatorFactory = std::function<std::unique_ptr<Operator>(const OperatorArgs&)>;

struct OperatorEntry {
  std::string type;  // the ONNX op_type it implements; "domain.Type" for other domains
  std::string help;  // one line: what it computes and what it costs
  OperatorFactory make;
  std::string origin;  // "built-in" or the plug-in library
};

class OperatorRegistry {
 public:
  static OperatorRegistry& instance();
  // Throws std::invalid_argument when the type is taken.
  void add(OperatorEntry e);
  const OperatorEntry* find(const std::string& type) const;
  std::vector<std::string> types() const;

 private:
  OperatorRegistry() = default;
  std::map<std::string, OperatorEntry> entries_;
};

// Registers an operator at static-initialisation time.
bool register_operator(OperatorEntry e);

}  // namespace cimsim::models
