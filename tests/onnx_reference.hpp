#pragma once
// An ONNX interpreter written for the tests, independent of the simulator's loader: it walks the
// graph node by node on one sample, with direct convolutions (no im2col), batch normalisation as
// written (not folded), and QuantizeLinear/DequantizeLinear in their integer form — a Conv or Gemm
// whose input and weights come from DequantizeLinear accumulates Σ w_q·(x_q − z) exactly in
// integers and scales by s_w·s_x afterwards. Tensors between nodes are float32, as in ONNX.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cimsim::test {

class OnnxReference {
 public:
  explicit OnnxReference(const std::string& path);

  // Logits of one sample (its elements in C order, without the batch axis).
  std::vector<float> run(const std::vector<float>& sample);

  // After run(): for every Conv/Gemm computed in integers, its accumulators (outputs × pixels,
  // output-major), keyed by node name.
  const std::map<std::string, std::vector<std::int64_t>>& accumulators() const { return accumulators_; }

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  std::map<std::string, std::vector<std::int64_t>> accumulators_;
};

}  // namespace cimsim::test
