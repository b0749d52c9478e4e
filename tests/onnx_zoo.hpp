#pragma once
// Networks exported at test time by PyTorch (scripts/export_torch_models.py), cached in the build
// tree per version of the script: the ONNX files at each opset, the inputs and PyTorch's outputs.

#include <Eigen/Dense>

#include <optional>
#include <string>

namespace cimsim::test {

struct ZooExport {
  std::string dir;
  Eigen::MatrixXf inputs;   // one column per sample
  Eigen::MatrixXf outputs;  // PyTorch's, one column per sample
  std::string onnx(int opset) const;
};

// The export of `name`, or nothing (after a WARN saying why) when Debian's torch or torchvision
// is missing. Fails the test when the script fails otherwise.
std::optional<ZooExport> torch_export(const std::string& name);

// Largest |a − b| relative to the largest |b| (1 when b is all zero).
double relative_error(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b);

}  // namespace cimsim::test
