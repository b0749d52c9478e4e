// Quantized models as PyTorch makes them (scripts/train_mnist.py): torch.ao fake-quantization
// (QAT) exports with Q/DQ on the float weights and per-channel scales, eager post-training
// quantization (PTQ) exports with Q -> Cast -> DQ and int32 biases, and 4-bit QAT whose code
// ranges the export writes as Clip between Q and DQ. Each imports at the widths its quantization
// ranges give and reproduces PyTorch's quantized accuracy on the 2,000 held-out MNIST digits
// exactly, through the integer reference and through the chip with ideal cells and a lossless ADC.
// So do the 4-bit MLPs trained with the chip's ADC or device variation in the loop
// (scripts/train_mnist_chip.py), exported the same way.

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "onnx_ideal_chip.hpp"
#include "sim/functional/reference.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "sim/workload/quantize.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::string trace(const std::string& name) { return test::source_dir() + "/traces/" + name; }

// PyTorch's accuracy of one form, from the JSON its training script wrote: train_mnist.py's
// torch_accuracy.json, or train_mnist_chip.py's chip_accuracy.json for the forms trained with the
// chip in the loop (qat4_adc, qat4_d2d), whose exact-arithmetic accuracy comes first there.
double torch_accuracy(const std::string& model, const std::string& form) {
  const bool chip_aware = form.rfind("qat4_", 0) == 0;
  std::ifstream in(trace("mnist_" + model + (chip_aware ? "/chip_accuracy.json" : "/torch_accuracy.json")));
  std::stringstream ss;
  ss << in.rdbuf();
  std::smatch m;
  const std::string text = ss.str();
  REQUIRE(std::regex_search(text, m, std::regex("\"" + form + "\": ([0-9.]+)")));
  return std::stod(m[1]);
}

const workload::Dataset& mnist_test() {
  static const workload::Dataset d =
      workload::load_dataset(trace("mnist/test_inputs.npy"), trace("mnist/test_labels.npy"), 0);
  return d;
}

std::int64_t correct(const Eigen::MatrixXf& logits, const std::vector<std::int64_t>& labels) {
  const auto pred = functional::argmax(logits);
  std::int64_t c = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) c += pred[i] == labels[i];
  return c;
}

struct Expect {
  int min_weight_bits, max_weight_bits, activation_bits;
};

// Widths the export's quantization ranges give. QAT: 7-bit activations (PyTorch's default clips
// uint8 codes to [0, 127]) and int8 weights, mapped at 9 bits where a channel reaches -128 (the
// symmetric range must hold its magnitude); PTQ (onednn): 8-bit activations; 4-bit QAT: codes in
// [0, 15] and [-7, 7].
Expect expected(const std::string& form) {
  if (form == "qat") return {8, 9, 7};
  if (form == "ptq") return {8, 9, 8};
  return {4, 4, 4};
}

void check_export(const std::string& model, const std::string& form) {
  const workload::Dataset& data = mnist_test();
  const config::Config cfg = test::config_with("");
  const workload::Network net = workload::load_onnx(trace("mnist_" + model + "/model_" + form + ".onnx"));
  // The model's quantizers are used; the config's widths do not enter.
  const workload::QuantizedNetwork qnet = workload::quantize(net, data, cfg.section("quantization"));
  const Expect e = expected(form);
  for (const auto& q : qnet.layers) {
    INFO("layer " << net.layers[static_cast<std::size_t>(q.layer)].name);
    CHECK(q.round_half_even);
    CHECK(q.activation_bits == e.activation_bits);
    CHECK(q.weight_bits >= e.min_weight_bits);
    CHECK(q.weight_bits <= e.max_weight_bits);
  }
  // In batches of 20: the lowered convolution inputs of all 2,000 digits would take a gigabyte.
  functional::ExactBackend exact;
  Eigen::MatrixXf logits(10, data.size());
  for (Eigen::Index first = 0; first < data.size(); first += 20) {
    const Eigen::Index n = std::min<Eigen::Index>(20, data.size() - first);
    logits.middleCols(first, n) = functional::quantized_logits(qnet, data.inputs.middleCols(first, n), first, exact);
  }
  const std::int64_t ours = correct(logits, data.labels);
  const auto theirs = static_cast<std::int64_t>(std::llround(torch_accuracy(model, form) * static_cast<double>(data.size())));
  CHECK(ours == theirs);
  // The chip with ideal cells and a lossless ADC computes the same integers, so the same logits.
  const Eigen::Index n = 32;
  const test::IdealChip chip(qnet);
  const Eigen::MatrixXf on_chip = chip.logits(qnet, data.inputs.leftCols(n));
  CHECK((on_chip - logits.leftCols(n)).cwiseAbs().maxCoeff() == 0.0f);
}

}  // namespace

#define QUANTIZED_TEST(model, form)                                                                    \
  TEST_CASE("onnx quantized: PyTorch's " form " export of the MNIST " model " gives PyTorch's accuracy", \
            "[onnx][qdq][mnist]") {                                                                   \
    check_export(model, form);                                                                         \
  }

TEST_CASE("onnx quantized: report.json gives the 4-bit model's widths", "[onnx][qdq][mnist]") {
  test::TempDir dir;
  const auto r = test::run_cimsim({"run", test::source_dir() + "/configs/mnist/mlp_qat4.yaml", "--quiet", "--set",
                                   "workload.samples=20", "--set", "run.output_dir=" + dir.path()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::ifstream in(dir.path() + "/report.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string report = ss.str();
  // Each dense layer: its name, its type, then its widths.
  for (const std::string layer : {"/fc1/Gemm", "/fc2/Gemm", "/fc3/Gemm"}) {
    INFO(layer);
    const std::regex widths("\"name\": \"" + layer + "\"[^{]*\"type\": \"dense\"[\\s\\S]*?\"weight_bits\": \\{\\s*\"value\": (\\d+)"
                            "[\\s\\S]*?\"activation_bits\": \\{\\s*\"value\": (\\d+)");
    std::smatch m;
    REQUIRE(std::regex_search(report, m, widths));
    CHECK(m[1] == "4");
    CHECK(m[2] == "4");
  }
}

QUANTIZED_TEST("mlp", "qat")
QUANTIZED_TEST("mlp", "ptq")
QUANTIZED_TEST("mlp", "qat4")
QUANTIZED_TEST("mlp", "qat4_adc")
QUANTIZED_TEST("mlp", "qat4_d2d")
QUANTIZED_TEST("cnn", "qat")
QUANTIZED_TEST("cnn", "ptq")
QUANTIZED_TEST("cnn", "qat4")
