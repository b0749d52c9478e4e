// Malformed ONNX models are refused at the root, each with an error that names the file, the node,
// its operator and, where one is at fault, the attribute: window attributes out of range (no
// integer cast may wrap), kernels that contradict their weights, empty or overflowing tensors,
// NaN and infinite weights, negative variances, tensors written twice or read before they exist,
// and operators that would mix the samples of a batch. Through the CLI: status 2, nothing written.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>

#include "onnx_builder.hpp"
#include "sim/config/error.hpp"
#include "sim/functional/reference.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "support.hpp"

using namespace cimsim;
using test::OnnxBuilder;

namespace {

// x [batch, 1, 6, 6] → Conv (node 'conv') → y, weights w of `wdims`.
OnnxBuilder conv_model(const std::function<void(onnx::NodeProto&)>& edit, std::vector<std::int64_t> wdims = {4, 1, 3, 3}) {
  OnnxBuilder b;
  b.input("x", {1, 6, 6}).output("y");
  std::int64_t n = 1;
  for (auto d : wdims) n *= d;
  b.init("w", wdims, test::ramp(static_cast<std::size_t>(n)));
  auto& c = b.node("Conv", {"x", "w"}, {"y"}, "conv");
  edit(c);
  return b;
}

// x [batch, 2, 6, 6] → MaxPool (node 'pool') → y.
OnnxBuilder pool_model(const std::function<void(onnx::NodeProto&)>& edit) {
  OnnxBuilder b;
  b.input("x", {2, 6, 6}).output("y");
  auto& p = b.node("MaxPool", {"x"}, {"y"}, "pool");
  edit(p);
  return b;
}

void expect_error(const OnnxBuilder& b, const std::vector<std::string>& fragments) {
  test::TempDir dir;
  const std::string path = b.save(dir.path(), "model.onnx");
  try {
    workload::load_onnx(path);
    FAIL("no error");
  } catch (const config::InputError& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("model.onnx: error"));
    for (const auto& f : fragments) CHECK_THAT(msg, Catch::Contains(f));
  }
}

using Ints = std::vector<std::int64_t>;
constexpr std::int64_t k2to31 = std::int64_t{1} << 31, k2to32 = std::int64_t{1} << 32;

}  // namespace

TEST_CASE("onnx errors: window attributes out of range never wrap", "[onnx][errors]") {
  auto conv_attr = [](const char* name, Ints v) {
    return conv_model([=](onnx::NodeProto& c) { OnnxBuilder::attr(c, name, v); });
  };
  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{-1}, k2to31, k2to32, k2to32 + 1, k2to32 - 1}) {
    INFO("stride " << bad);
    expect_error(conv_attr("strides", {bad, 1}), {"node 'conv' (Conv), attribute 'strides'", std::to_string(bad)});
  }
  for (std::int64_t bad : {std::int64_t{-1}, k2to31, k2to32 + 2}) {
    INFO("pad " << bad);
    expect_error(conv_attr("pads", {bad, 0, 0, 0}), {"attribute 'pads'", std::to_string(bad)});
  }
  expect_error(conv_attr("dilations", {0, 1}), {"attribute 'dilations'"});
  expect_error(conv_attr("kernel_shape", {0, 0}), {"attribute 'kernel_shape'"});
  expect_error(conv_attr("kernel_shape", {2, 2}), {"attribute 'kernel_shape'", "contradicts the weights [4, 1, 3, 3]"});
  expect_error(conv_model([](onnx::NodeProto& c) { OnnxBuilder::attr(c, "group", std::int64_t{0}); }),
               {"attribute 'group'"});
  expect_error(conv_model([](onnx::NodeProto& c) { OnnxBuilder::attr(c, "group", k2to32); }), {"attribute 'group'"});
  expect_error(conv_attr("strides", {1}), {"attribute 'strides'", "has 1 values for 2"});

  expect_error(pool_model([](onnx::NodeProto& p) { OnnxBuilder::attr(p, "kernel_shape", Ints{0, 0}); }),
               {"node 'pool' (MaxPool), attribute 'kernel_shape'"});
  expect_error(pool_model([](onnx::NodeProto& p) {
                 OnnxBuilder::attr(p, "kernel_shape", Ints{2, 2});
                 OnnxBuilder::attr(p, "strides", Ints{0, 2});
               }),
               {"attribute 'strides'"});
  expect_error(pool_model([](onnx::NodeProto& p) {
                 OnnxBuilder::attr(p, "kernel_shape", Ints{k2to32, 2});
               }),
               {"attribute 'kernel_shape'"});
  expect_error(pool_model([](onnx::NodeProto& p) { OnnxBuilder::attr(p, "kernel_shape", Ints{7, 7}); }),
               {"larger than the padded input"});
  expect_error(pool_model([](onnx::NodeProto&) {}), {"attribute 'kernel_shape'", "is required"});
}

TEST_CASE("onnx errors: empty, overflowing, NaN and infinite tensors", "[onnx][errors]") {
  expect_error(conv_model([](onnx::NodeProto&) {}, {4, 1, 0, 3}), {"node 'conv' (Conv)", "empty dimension"});
  {
    OnnxBuilder b;
    b.input("x", {64}).output("y").init("w", {0, 64}, {});
    b.node("Gemm", {"x", "w"}, {"y"}, "fc");
    expect_error(b, {"node 'fc' (Gemm)", "non-empty matrix"});
  }
  {
    OnnxBuilder b;
    b.input("x", {4}).output("y");
    b.init("s", {}, {0.5f}).init_ints("z", {0}, {}, onnx::TensorProto::UINT8);
    b.node("QuantizeLinear", {"x", "s", "z"}, {"q"}, "quant");
    b.node("DequantizeLinear", {"q", "s", "z"}, {"y"}, "dequant");
    expect_error(b, {"node 'quant' (QuantizeLinear)", "per-channel quantization"});
  }
  {
    OnnxBuilder b;
    b.input("x", {4}).output("y");
    auto* t = b.model().mutable_graph()->add_initializer();
    t->set_name("w");
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(std::int64_t{1} << 40);
    t->add_dims(std::int64_t{1} << 40);
    b.node("MatMul", {"x", "w"}, {"y"});
    expect_error(b, {"initializer 'w'", "declares more than"});
  }
  {
    OnnxBuilder b;
    b.input("x", {2}).output("y").init("w", {2, 2}, {1, 2, 3});
    b.node("MatMul", {"x", "w"}, {"y"});
    expect_error(b, {"initializer 'w'", "3 values for 4 elements"});
  }
  {
    OnnxBuilder b;
    b.input("x", {2}).output("y").init("w", {2, 2}, {1, std::numeric_limits<float>::quiet_NaN(), 3, 4});
    b.node("MatMul", {"x", "w"}, {"y"});
    expect_error(b, {"initializer 'w'", "NaN at element 1"});
  }
  {
    OnnxBuilder b;
    b.input("x", {2}).output("y").init("w", {2, 2}, {1, std::numeric_limits<float>::infinity(), 3, 4});
    b.node("MatMul", {"x", "w"}, {"y"}, "mm");
    expect_error(b, {"node 'mm' (MatMul)", "non-finite value at element 1"});
  }
  {
    OnnxBuilder b;
    b.input("x", {2, 4, 4}).output("y");
    b.init("g", {2}, {1, 1}).init("b", {2}, {0, 0}).init("m", {2}, {0, 0}).init("v", {2}, {1, -0.5f});
    b.node("BatchNormalization", {"x", "g", "b", "m", "v"}, {"y"}, "bn");
    expect_error(b, {"node 'bn' (BatchNormalization)", "input_var of channel 1", "cannot be negative"});
  }
}

TEST_CASE("onnx errors: tensors written twice or read before they exist", "[onnx][errors]") {
  {
    OnnxBuilder b;
    b.input("x", {4}).output("y");
    b.node("Relu", {"x"}, {"y"}, "first");
    b.node("Sigmoid", {"x"}, {"y"}, "second");
    expect_error(b, {"tensor 'y' is written twice", "node 'first' (Relu)", "node 'second' (Sigmoid)"});
  }
  {
    OnnxBuilder b;
    b.input("x", {4}).output("y").init("x", {4}, {1, 2, 3, 4});
    b.node("Relu", {"x"}, {"y"});
    // An initializer named like the input is a default for it (IR < 4): the graph has no input.
    expect_error(b, {"no input"});
  }
  {
    OnnxBuilder b;
    b.input("x", {4}).output("y");
    b.node("Add", {"x", "later"}, {"y"}, "early");
    b.node("Relu", {"x"}, {"later"}, "late");
    expect_error(b, {"node 'early' (Add)", "input 'later' is not an initializer, a graph input or the output of an earlier node"});
  }
  {
    OnnxBuilder b;
    b.input("x", {4}).output("nowhere");
    b.node("Relu", {"x"}, {"y"});
    expect_error(b, {"graph output 'nowhere' is not computed by any node"});
  }
}

TEST_CASE("onnx errors: operators that would mix the samples of a batch", "[onnx][errors]") {
  {
    OnnxBuilder b;
    b.input("x", {4}).output("y");
    OnnxBuilder::attr(b.node("Softmax", {"x"}, {"y"}, "across"), "axis", std::int64_t{0});
    expect_error(b, {"node 'across' (Softmax)", "combine elements of different samples"});
  }
  {
    OnnxBuilder b;
    b.input("x", {4}).output("y").init_ints("shape", {2}, {4, -1});
    b.node("Reshape", {"x", "shape"}, {"y"}, "fold");
    expect_error(b, {"node 'fold' (Reshape)", "mixes the samples of a batch"});
  }
  {
    OnnxBuilder b;
    b.input("x", {3, 4}).output("y");
    OnnxBuilder::attr(b.node("ReduceMean", {"x"}, {"y"}, "mean"), "axes", Ints{0});
    expect_error(b, {"node 'mean' (ReduceMean)", "combine elements of different samples"});
  }
  {
    // Scales that resample the batch axis as well as the image.
    OnnxBuilder b;
    b.input("x", {2, 3, 3}).output("y").init("scales", {4}, {2, 1, 2, 2});
    b.node("Resize", {"x", "", "scales"}, {"y"}, "up");
    expect_error(b, {"node 'up' (Resize)", "combine elements of different samples"});
  }
}

TEST_CASE("onnx errors: a bad model stops the run with status 2 and writes nothing", "[onnx][errors]") {
  test::TempDir dir;
  conv_model([](onnx::NodeProto& c) { OnnxBuilder::attr(c, "strides", Ints{k2to32, 1}); }).save(dir.path(), "bad.onnx");
  const std::string cfg = dir.file("c.yaml", "workload: {network: bad.onnx, synthetic_samples: 1}\nrun: {output_dir: " +
                                                 dir.path() + "/out}\n");
  const auto r = test::run_cimsim({"run", cfg, "--quiet"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.onnx: error: node 'conv' (Conv), attribute 'strides'"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/out"));
}

TEST_CASE("onnx errors: corrupted models load or fail cleanly, never crash", "[onnx][errors]") {
  // Byte flips, truncations and repeats of shipped models: each either loads (and runs a sample
  // through the float network) or stops with an input error.
  std::mt19937 gen(7);
  for (const std::string model : {"digits_cnn/model.onnx", "digits_cnn/model_qdq.onnx", "mnist_mlp/model_qat4.onnx",
                                  "mnist_cnn/model_ptq.onnx"}) {
    std::ifstream in(test::source_dir() + "/traces/" + model, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (int round = 0; round < 60; ++round) {
      std::string bytes = original;
      std::uniform_int_distribution<std::size_t> at(0, bytes.size() - 1);
      const int kind = round % 3;
      if (kind == 0) {
        for (int k = 0; k < 8; ++k) bytes[at(gen)] = static_cast<char>(gen());
      } else if (kind == 1) {
        bytes.resize(at(gen));
      } else {
        const std::size_t from = at(gen);
        bytes.insert(at(gen), bytes.substr(from, 64));
      }
      INFO(model << " mutation " << round);
      try {
        const workload::Network net = workload::load_onnx_bytes(bytes, "mutated.onnx");
        functional::float_logits(net, Eigen::MatrixXf::Zero(workload::element_count(net.input_shape), 1));
      } catch (const config::InputError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("mutated.onnx: error:"));
      }
    }
  }
}
