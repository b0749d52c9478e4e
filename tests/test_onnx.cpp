// ONNX import: every shipped model against a reference computed here from the same file (a
// separate interpreter with direct convolutions and unfolded batch norm), the QDQ models against
// their integer semantics exactly, and the error paths.

#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "onnx_builder.hpp"
#include "onnx_reference.hpp"
#include "sim/config/error.hpp"
#include "sim/functional/reference.hpp"
#include "sim/util/npy.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "sim/workload/quantize.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::string trace(const std::string& name) { return test::source_dir() + "/traces/" + name; }

workload::Dataset test_set(const std::string& folder, std::int64_t n) {
  return workload::load_dataset(trace(folder + "/test_inputs.npy"), trace(folder + "/test_labels.npy"), n);
}

std::vector<float> column(const Eigen::MatrixXf& m, Eigen::Index c) {
  return std::vector<float>(m.col(c).data(), m.col(c).data() + m.rows());
}

// Records what the exact integer backend computes for each layer.
class RecordingBackend : public functional::MatrixBackend {
 public:
  Eigen::MatrixXd multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes, std::int64_t first) override {
    Eigen::MatrixXd acc = exact_.multiply(q, codes, first);
    // The zero point comes off after the product: Σ w·(x − z) = Σ w·x − z·Σ w.
    recorded[q.layer] = acc.colwise() - static_cast<double>(q.input_zero_point) * q.w_row_sums;
    return acc;
  }
  std::map<int, Eigen::MatrixXd> recorded;

 private:
  functional::ExactBackend exact_;
};

void check_float_model(const std::string& path, const std::string& folder) {
  const workload::Network net = workload::load_onnx(path);
  const workload::Dataset data = test_set(folder, 40);
  test::OnnxReference reference(path);
  const Eigen::MatrixXf ours = functional::float_logits(net, data.inputs);
  for (Eigen::Index s = 0; s < data.size(); ++s) {
    const std::vector<float> ref = reference.run(column(data.inputs, s));
    REQUIRE(ref.size() == static_cast<std::size_t>(ours.rows()));
    for (std::size_t k = 0; k < ref.size(); ++k) {
      INFO("sample " << s << " logit " << k);
      // Float tolerance: folded batch norm and a different summation order round differently.
      CHECK(ours(static_cast<Eigen::Index>(k), s) == Approx(ref[k]).epsilon(1e-4).margin(1e-4));
    }
  }
}

}  // namespace

TEST_CASE("onnx: the float MLP matches the reference and the layer-list weights", "[onnx]") {
  check_float_model(trace("digits_mlp/model.onnx"), "digits_mlp");
  // The same network exported as .npy weights.
  const workload::Dataset data = test_set("digits_mlp", 40);
  const auto w1 = npy::load(trace("digits_mlp/fc1.weight.npy")), b1 = npy::load(trace("digits_mlp/fc1.bias.npy"));
  const auto w2 = npy::load(trace("digits_mlp/fc2.weight.npy")), b2 = npy::load(trace("digits_mlp/fc2.bias.npy"));
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::MatrixXd W1 = Eigen::Map<const RowMajor>(w1.values.data(), w1.shape[0], w1.shape[1]);
  const Eigen::MatrixXd W2 = Eigen::Map<const RowMajor>(w2.values.data(), w2.shape[0], w2.shape[1]);
  const Eigen::Map<const Eigen::VectorXd> B1(b1.values.data(), b1.size()), B2(b2.values.data(), b2.size());
  Eigen::MatrixXd h = (W1 * data.inputs.cast<double>()).colwise() + B1;
  h = h.cwiseMax(0.0);
  const Eigen::MatrixXd expected = (W2 * h).colwise() + B2;
  const Eigen::MatrixXf ours = functional::float_logits(workload::load_onnx(trace("digits_mlp/model.onnx")), data.inputs);
  CHECK((ours.cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-4);
}

TEST_CASE("onnx: the float CNN (batch norm, residual add, pooling) matches the reference", "[onnx]") {
  check_float_model(trace("digits_cnn/model.onnx"), "digits_cnn");
  const workload::Network net = workload::load_onnx(trace("digits_cnn/model.onnx"));
  // Batch norm folded away: four convolutions and the classifier on arrays, the rest digital.
  CHECK(net.matrix_layers().size() == 5);
  CHECK(net.macs_per_sample() == 378176);
}

TEST_CASE("onnx: QDQ models keep their integer semantics exactly", "[onnx][qdq]") {
  for (const std::string folder : {"digits_mlp", "digits_cnn"}) {
    INFO(folder);
    const std::string path = trace(folder + "/model_qdq.onnx");
    const workload::Network net = workload::load_onnx(path);
    const workload::Dataset data = test_set(folder, 24);
    // The model's own quantizers are used; the config's bits do not enter.
    const config::Config cfg = test::config_with("quantization: {weight_bits: 4, activation_bits: 4}");
    const workload::QuantizedNetwork qnet = workload::quantize(net, data, cfg.section("quantization"));
    for (const auto& q : qnet.layers) {
      CHECK(q.activation_bits == 8);
      CHECK(q.round_half_even);
    }
    test::OnnxReference reference(path);
    for (Eigen::Index s = 0; s < data.size(); ++s) {
      RecordingBackend backend;
      const Eigen::MatrixXf logits = functional::quantized_logits(qnet, data.inputs.col(s), s, backend);
      const std::vector<float> ref = reference.run(column(data.inputs, s));
      for (std::size_t k = 0; k < ref.size(); ++k)
        CHECK(logits(static_cast<Eigen::Index>(k), 0) == Approx(ref[k]).epsilon(1e-5).margin(1e-5));
      // Every accumulator, integer for integer.
      for (const auto& [layer, acc] : backend.recorded) {
        const auto& name = net.layers[static_cast<std::size_t>(layer)].name;
        INFO("sample " << s << " layer " << name);
        const auto& expected = reference.accumulators().at(name);
        const Eigen::Index pixels = acc.cols();
        REQUIRE(static_cast<Eigen::Index>(expected.size()) == acc.rows() * pixels);
        std::int64_t mismatches = 0;
        for (Eigen::Index o = 0; o < acc.rows(); ++o)
          for (Eigen::Index p = 0; p < pixels; ++p)
            mismatches += static_cast<std::int64_t>(acc(o, p)) != expected[static_cast<std::size_t>(o * pixels + p)];
        CHECK(mismatches == 0);
      }
    }
  }
}

TEST_CASE("onnx: every unsupported operator is named in one error", "[onnx][errors]") {
  test::OnnxBuilder b;
  b.input("x", {4}).output("y");
  b.node("Tanh", {"x"}, {"t"}, "squash");  // supported
  b.node("Hardmax", {"t"}, {"h"}, "pick");
  b.node("Celu", {"h"}, {"y"}, "smooth");
  test::TempDir dir;
  const std::string path = b.save(dir.path(), "bad.onnx");
  try {
    workload::load_onnx(path);
    FAIL("no error");
  } catch (const config::InputError& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("bad.onnx"));
    CHECK_THAT(msg, Catch::Contains("2 nodes use operators cimsim does not support"));
    CHECK_THAT(msg, Catch::Contains("node 'pick' (Hardmax)"));
    CHECK_THAT(msg, Catch::Contains("node 'smooth' (Celu)"));
    CHECK_THAT(msg, !Catch::Contains("squash"));
    CHECK_THAT(msg, Catch::Contains("supported: Add, "));
  }
  // Through the command line: status 2, nothing written.
  const std::string cfg = dir.file("c.yaml", "workload: {network: bad.onnx, synthetic_samples: 1}\nrun: {output_dir: " +
                                                 dir.path() + "/out}\n");
  const auto r = test::run_cimsim({"run", cfg, "--quiet"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("pick"));
  CHECK_THAT(r.err, Catch::Contains("smooth"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/out/report.json"));
}

TEST_CASE("onnx: a malformed file is an error, not a crash", "[onnx][errors]") {
  test::TempDir dir;
  static const char kJunk[] = "\x08\x07\xff\xff\xff garbage \x00\x01";
  const std::string junk = dir.file("junk.onnx", std::string(kJunk, sizeof kJunk - 1));
  CHECK_THROWS_WITH(workload::load_onnx(junk), Catch::Contains("junk.onnx") && Catch::Contains("not a valid ONNX model"));
  const std::string truncated = dir.file("cut.onnx", [] {
    std::ifstream in(test::source_dir() + "/traces/digits_cnn/model.onnx", std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return s.substr(0, s.size() / 2);
  }());
  CHECK_THROWS_AS(workload::load_onnx(truncated), config::InputError);
  const std::string cfg = dir.file("c.yaml", "workload: {network: junk.onnx, synthetic_samples: 1}\n");
  CHECK(test::run_cimsim({"run", cfg, "--quiet"}).status == 2);
}

// The importer drops each constant after the last node that reads it (so that a large network's
// weights are not held twice): a weight matrix two products share must still be there for the
// second, and a shape constant read before and after a layer too.
TEST_CASE("onnx: constants read by several nodes outlive the first reader", "[onnx]") {
  test::OnnxBuilder b;
  b.input("x", {3}).output("y");
  const std::vector<float> w = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.5f, -2.0f, 1.0f, 0.75f};
  b.init("W", {3, 3}, w);
  b.init_ints("shape", {2}, {-1, 3});
  b.node("MatMul", {"x", "W"}, {"h"});
  b.node("Reshape", {"h", "shape"}, {"h2"});
  b.node("Relu", {"h2"}, {"r"});
  b.node("MatMul", {"r", "W"}, {"m"});
  b.node("Reshape", {"m", "shape"}, {"y"});
  test::TempDir dir;
  const workload::Network net = workload::load_onnx(b.save(dir.path(), "shared.onnx"));
  Eigen::MatrixXf x(3, 2);
  x << 1.0f, -0.5f, 2.0f, 0.25f, -1.0f, 3.0f;
  // y = relu(x·W)·W with row vectors: column by column here, W transposed.
  const Eigen::Matrix3f wt = Eigen::Map<const Eigen::Matrix<float, 3, 3, Eigen::RowMajor>>(w.data()).transpose();
  const Eigen::MatrixXf expected = wt * (wt * x).cwiseMax(0.0f);
  const Eigen::MatrixXf ours = functional::float_logits(net, x);
  REQUIRE(ours.rows() == 3);
  REQUIRE(ours.cols() == 2);
  CHECK((ours - expected).cwiseAbs().maxCoeff() < 1e-5f);
}

TEST_CASE("onnx: large float weights kept as read give the network their converted form gives", "[onnx]") {
  // 256 x 256 weights are past the size from which float32 initializers stay in their file bytes
  // (read by the weight matrices as they are) instead of being converted to doubles. The same
  // model with the weights in float_data (always converted) must give the same network exactly:
  // as a Conv's and a MatMul's weights (read as stored), and through a Transpose folded at load
  // time (converted on first use).
  const std::int64_t n = 256;
  std::vector<float> w(static_cast<std::size_t>(n * n));
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<float>(std::sin(0.37 * static_cast<double>(k)) / 16.0);
  auto build = [&](bool raw) {
    test::OnnxBuilder b;
    b.input("x", {n, 1, 1}).output("y");
    b.init("W", {n, n}, w);
    b.init("K", {n, n, 1, 1}, w);
    b.init_ints("flat", {2}, {-1, n});
    if (raw) b.floats_as_raw_data();
    b.node("Conv", {"x", "K"}, {"c"});
    b.node("Reshape", {"c", "flat"}, {"h"});
    b.node("MatMul", {"h", "W"}, {"m"});
    b.node("Transpose", {"W"}, {"Wt"});
    b.node("MatMul", {"m", "Wt"}, {"y"});
    return b;
  };
  test::TempDir dir;
  const workload::Network raw = workload::load_onnx(build(true).save(dir.path(), "raw.onnx"));
  const workload::Network converted = workload::load_onnx(build(false).save(dir.path(), "converted.onnx"));
  REQUIRE(raw.layers.size() == converted.layers.size());
  int matrices = 0;
  for (std::size_t l = 0; l < raw.layers.size(); ++l) {
    INFO("layer " << raw.layers[l].name);
    CHECK(raw.layers[l].weight == converted.layers[l].weight);
    matrices += raw.layers[l].is_matrix() ? 1 : 0;
  }
  CHECK(matrices == 3);
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(n, 3);
  CHECK(functional::float_logits(raw, x) == functional::float_logits(converted, x));
  // y = Wᵀ·(W·(K·x)) with column vectors: MatMul by W is W transposed on the columns.
  const Eigen::MatrixXf wm = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      w.data(), n, n);
  const Eigen::MatrixXf expected = wm * (wm.transpose() * (wm * x));
  CHECK((functional::float_logits(raw, x) - expected).cwiseAbs().maxCoeff() < 1e-3f);
}

TEST_CASE("onnx: raw data read where it lies in the file gives the network the parser's own copy gives", "[onnx]") {
  // The importer takes large raw_data out of the model before the protobuf parser sees it and
  // reads it from the mapped file (sim/workload/onnx/wire.hpp). Every encoding of one model must
  // give the same network: weights in float_data (the parser reads everything), raw_data read in
  // place from a file or from bytes, the model's graph written as two graph fields that the parser
  // merges (the initializers of both, counted in order), and a model with a field the wire reader
  // leaves to the parser (an unknown group), which is parsed whole.
  const std::int64_t n = 256, m = 32;
  auto values = [](std::int64_t count, double f) {
    std::vector<float> v(static_cast<std::size_t>(count));
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>(std::cos(f * static_cast<double>(k)) / 8.0);
    return v;
  };
  auto build = [&](bool raw, bool weights, bool rest) {
    test::OnnxBuilder b;
    if (rest) b.init("bias", {m}, values(m, 0.7));  // small: left to the parser
    if (weights) {
      b.init("A", {n, n}, values(n * n, 0.11));  // kept as float32 bytes
      b.init("C", {n, m}, values(n * m, 0.23));  // in place, converted
    }
    if (rest) {
      b.input("x", {n}).output("y");
      b.node("MatMul", {"x", "A"}, {"h"});
      b.node("Relu", {"h"}, {"r"});
      b.node("MatMul", {"r", "C"}, {"p"});
      b.node("Add", {"p", "bias"}, {"y"});
    }
    if (raw) b.floats_as_raw_data();
    return b.model().SerializeAsString();
  };
  test::TempDir dir;
  const std::string whole = build(true, true, true);
  const workload::Network reference = workload::load_onnx_bytes(build(false, true, true), "float_data.onnx");
  const workload::Network from_file = workload::load_onnx(dir.file("raw.onnx", whole));
  const workload::Network from_bytes = workload::load_onnx_bytes(whole, "raw.onnx");
  const workload::Network merged = workload::load_onnx_bytes(build(true, false, true) + build(true, true, false), "two.onnx");
  // Field 100 as a group (start tag 803 = a3 06, end tag 804 = a4 06) holding field 1 = 1.
  const workload::Network grouped =
      workload::load_onnx_bytes(whole + std::string("\xa3\x06\x08\x01\xa4\x06", 6), "group.onnx");
  for (const workload::Network* net : {&from_file, &from_bytes, &merged, &grouped}) {
    REQUIRE(net->layers.size() == reference.layers.size());
    for (std::size_t l = 0; l < reference.layers.size(); ++l) {
      INFO("layer " << reference.layers[l].name);
      CHECK(net->layers[l].weight == reference.layers[l].weight);
      CHECK(net->layers[l].bias == reference.layers[l].bias);
    }
  }
  // A raw_data field whose length runs past the end of the file is still a parse error.
  std::string cut = whole.substr(0, whole.size() / 2);
  CHECK_THROWS_WITH(workload::load_onnx(dir.file("cut.onnx", cut)), Catch::Contains("cut.onnx"));
}
