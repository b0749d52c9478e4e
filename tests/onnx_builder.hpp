#pragma once
// Small ONNX models written by hand for tests: a graph input with a dynamic batch, initializers,
// nodes with attributes, one output.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cimsim::test {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset = 13);

  // A float input; the first dimension is the (named, open) batch.
  OnnxBuilder& input(const std::string& name, const std::vector<std::int64_t>& sample_dims);
  OnnxBuilder& output(const std::string& name);
  OnnxBuilder& init(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& values);
  OnnxBuilder& init_ints(const std::string& name, const std::vector<std::int64_t>& dims,
                         const std::vector<std::int64_t>& values, int dtype = onnx::TensorProto::INT64);
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "");

  static void attr(onnx::NodeProto& n, const std::string& name, std::int64_t v);
  static void attr(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v);
  static void attr(onnx::NodeProto& n, const std::string& name, float v);

  // Moves every float initializer's values into raw_data (little-endian float32), as PyTorch
  // writes them; float_data is left empty.
  OnnxBuilder& floats_as_raw_data();

  onnx::ModelProto& model() { return model_; }
  // Writes the model to dir/file and returns the path.
  std::string save(const std::string& dir, const std::string& file) const;

 private:
  onnx::ModelProto model_;
};

// Values 0, 1/n, 2/n, ... (deterministic weights).
std::vector<float> ramp(std::size_t n, float scale = 1.0f);

}  // namespace cimsim::test
