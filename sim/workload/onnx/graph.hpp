#pragma once
// An ONNX model read into plain structures and checked before anything is built from it: every
// tensor written once (static single assignment), every input defined before its node (the
// topological order ONNX requires), tensors whose declared sizes fit their data, no NaN in a
// constant. Errors name the file and the node, exit status 2 (config::InputError).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/operators/operator.hpp"

namespace cimsim::workload::onnx_import {

using models::Dims;

// A constant tensor: an initializer, a Constant node's value, or anything folded from constants.
struct Tensor {
  int dtype = 1;  // ONNX TensorProto::DataType
  Dims dims;
  std::vector<double> values;  // C order; integers are exact up to 2^53
  // Integer tensors computed from shapes: element i is batch_coef[i]·N + values[i], N the batch
  // size. Empty when nothing depends on N.
  std::vector<std::int64_t> batch_coef;
  // A tensor with one copy per sample (ConstantOfShape or Expand over a shape that holds N): dims
  // are at N = 1 and axis `batch_axis` stands for outer·N·inner elements. −1: an ordinary constant.
  int batch_axis = -1;
  std::int64_t outer = 1, inner = 1;
  // Dequantized constants keep their integer codes (values = codes·scale of their channel).
  std::vector<double> codes;
  std::vector<double> code_scale;  // one, or one per index along code_axis
  int code_axis = 0;

  // NaN in them is found where they are read (Importer::constant(), the weight matrices), not
  // in a pass of its own over the file.
  // Large float32 and 8-bit integer initializers keep the bytes they were read as (little-endian
  // float32, or int8 / uint8), where they lie (in the mapped model file, held by `raw_owner`),
  // and leave `values` empty: as doubles, VGG-16's 138 M weights took 1.1 GB and most of the
  // import's time, and a quantized export's int8 weights eight times their size. The weight
  // matrices read float32 bytes as they are; Importer::constant() turns them into `values` for
  // everything else (DequantizeLinear included).
  std::string_view raw;
  std::shared_ptr<const void> raw_owner;
  bool raw_mapped = false;  // `raw` lies in a util::MappedFile (its pages can be released once read)

  bool deferred() const { return !raw.empty(); }
  // Deferred float32 bytes, which the weight matrices can read in place.
  bool deferred_float() const { return deferred() && dtype == kFloat; }
  std::int64_t size() const {
    if (!deferred()) return static_cast<std::int64_t>(values.size());
    return static_cast<std::int64_t>(raw.size() / (dtype == kFloat ? sizeof(float) : 1));
  }
  // Element i in either form.
  double at(std::size_t i) const {
    if (!deferred()) return values[i];
    if (dtype == kInt8) return static_cast<std::int8_t>(raw[i]);
    if (dtype == kUint8) return static_cast<std::uint8_t>(raw[i]);
    float v;
    std::memcpy(&v, raw.data() + i * sizeof(float), sizeof(float));
    return v;
  }
  // TensorProto::DataType values of the element types that may be deferred.
  static constexpr int kFloat = 1, kUint8 = 2, kInt8 = 3;
  // Moves deferred bytes into `values`.
  void materialize();
  bool integral() const;
  bool symbolic() const;  // some element depends on the batch size
};

struct Node {
  int index = 0;
  std::string name;  // the node's name, or its first output when it has none
  std::string op;
  std::string domain;
  std::vector<std::string> inputs;  // "" for an absent optional input
  std::vector<std::string> outputs;
  std::map<std::string, models::Attribute> attributes;
  // A Constant node's `value` tensor, read as an initializer is (large float32 and 8-bit data
  // kept as read, Tensor::raw) instead of into its attribute as doubles: PyTorch's quantized
  // exports hold every weight this way. The attribute keeps the tensor's type and dims only. The
  // fold that defines the node's output takes it (moves it out).
  std::shared_ptr<Tensor> value;
};

struct GraphInput {
  std::string name;
  Dims dims;                 // −1 where the model leaves a dimension open
  std::vector<std::string> dim_names;
  int dtype = 0;
};

struct Graph {
  std::string path;
  std::string name;
  int opset = 13;  // of the default domain
  std::vector<Node> nodes;
  std::map<std::string, Tensor> initializers;
  std::vector<GraphInput> inputs;  // graph inputs that are not initializers
  std::vector<std::string> outputs;
};

// Reads and checks a model; every failure is a config::InputError naming `path`.
Graph read_graph(const std::string& path);
// The same from bytes already in memory (the fuzzer); `path` is only used in messages.
Graph parse_graph(const std::string& bytes, const std::string& path);

// Names of ONNX element types, for messages.
std::string dtype_name(int dtype);
bool dtype_is_integer(int dtype);
bool dtype_is_float(int dtype);

// 64-bit integers as the importer holds them (doubles): within [−2^63, the largest double below
// 2^63]. INT64_MAX, which exporters write for "to the end" (a Slice's ends: x[:, 3:]), is 2^63 as a
// double, which no cast takes back to an int64 (x86 gives INT64_MIN: the slice came out empty).
inline constexpr double kLargestInt64Double = 9223372036854774784.0;
inline double int64_value(double v) { return std::min(std::max(v, -9223372036854775808.0), kLargestInt64Double); }

// Float32 and 8-bit integer initializers of at least this many elements are kept as read (Tensor::raw).
inline constexpr std::int64_t kDeferredElements = std::int64_t{1} << 16;
// Initializers' raw data of at least this many bytes is read from the file where it lies, not
// copied by the protobuf parser first (wire.hpp).
inline constexpr std::size_t kInPlaceRawBytes = 4096;

// The largest tensor the importer accepts (elements), so that a file cannot ask for more memory
// than a run could ever use.
inline constexpr std::int64_t kMaxTensorElements = std::int64_t{1} << 31;

}  // namespace cimsim::workload::onnx_import
