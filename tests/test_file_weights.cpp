// An estimate reads weights where they lie in the model file (workload::FileWeights) and skips
// the calibration's float pass where the graph proves an input's sign (sign_analysis.hpp). Both
// must leave the estimate exactly what it is with the weights built: the same matrices on demand,
// the same scales, the same all-zero blocks, the same input signs.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "onnx_builder.hpp"
#include "sim/config/error.hpp"
#include "sim/functional/reference.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/workload/file_weights.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "sim/workload/quantize_options.hpp"
#include "sim/workload/sign_analysis.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

// Weights of either sign, with a stretch of magnitudes that round to zero at 8 bits (and at 4)
// wherever `tiny(k)` says, so that whole blocks quantize to zeros.
template <class Tiny>
std::vector<float> weights(std::int64_t count, double f, const Tiny& tiny) {
  std::vector<float> v(static_cast<std::size_t>(count));
  for (std::int64_t k = 0; k < count; ++k)
    v[static_cast<std::size_t>(k)] = static_cast<float>(std::sin(f * static_cast<double>(k)) / 4.0 * (tiny(k) ? 1e-4 : 1.0));
  return v;
}

// x (64, 6, 6) → Conv 256 (3 × 3) → [ReLU] → grouped Conv 256 (4 groups) → ReLU → global pool →
// Gemm 300 (transB, as PyTorch exports Linear). Every weight tensor is large enough to stay in
// the file, as raw float32 bytes.
std::string model(const test::TempDir& dir, bool relu_between, float poison = 0.0f) {
  test::OnnxBuilder b;
  b.input("x", {64, 6, 6}).output("y");
  b.init("K1", {256, 64, 3, 3}, weights(256 * 64 * 9, 0.37, [](std::int64_t k) { return k < 64 * 64 * 9; }));
  b.init("K2", {256, 64, 3, 3}, weights(256 * 64 * 9, 0.53, [](std::int64_t k) { return (k / 576) % 3 == 1; }));
  // Every row of W reaches 0.25, so that 8-bit scales are 0.25 / 127 per tensor and per channel;
  // three weights in the tiny stretch sit at that half step and a float either side of it.
  std::vector<float> w = weights(300 * 256, 0.71, [](std::int64_t k) { return k / 256 < 150 && k % 256 < 128; });
  for (int r = 0; r < 300; ++r) w[static_cast<std::size_t>(r * 256 + 200)] = 0.25f;
  const float half = static_cast<float>(0.5 * (0.25 / 127));
  w[10 * 256 + 5] = half;
  w[20 * 256 + 7] = std::nextafter(half, 0.0f);
  w[30 * 256 + 9] = std::nextafter(half, 1.0f);
  b.init("W", {300, 256}, w);
  b.init_ints("flat", {2}, {-1, 256});
  if (poison != 0.0f) {
    auto& k2 = (*b.model().mutable_graph()->mutable_initializer())[1];
    k2.set_float_data(1234, poison);
  }
  b.floats_as_raw_data();
  auto& c1 = b.node("Conv", {"x", "K1"}, {"c1"}, "conv1");
  test::OnnxBuilder::attr(c1, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  std::string into = "c1";
  if (relu_between) {
    b.node("Relu", {"c1"}, {"r1"});
    into = "r1";
  }
  auto& c2 = b.node("Conv", {into, "K2"}, {"c2"}, "conv2");
  test::OnnxBuilder::attr(c2, "group", std::int64_t{4});
  b.node("Relu", {"c2"}, {"r2"});
  b.node("GlobalAveragePool", {"r2"}, {"g"});
  b.node("Reshape", {"g", "flat"}, {"f"});
  auto& fc = b.node("Gemm", {"f", "W"}, {"y"}, "fc");
  test::OnnxBuilder::attr(fc, "transB", std::int64_t{1});
  return b.save(dir.path(), std::string(relu_between ? "relu" : "linear") + (poison != 0.0f ? "_poison" : "") + ".onnx");
}

workload::Network load(const std::string& path, bool in_file) {
  workload::LoadOptions o;
  o.weights_in_file = in_file;
  return workload::load_onnx(path, o);
}

// Weights whose bit in the estimate's nonzero_bits (`estimate`) disagrees with their code in
// `codes`, one weight at a time.
std::int64_t weights_zero_otherwise(const workload::QuantLayer& estimate, const workload::Layer& layer,
                                    const workload::QuantLayer& codes) {
  std::int64_t wrong = 0;
  for (int o = 0; o < layer.out_features(); ++o)
    for (int i = 0; i < layer.in_features(); ++i)
      wrong += workload::codes_nonzero(estimate, layer, i, 1, o, 1) != (codes.w(o, i) != 0);
  return wrong;
}

}  // namespace

TEST_CASE("file weights: the matrices built on demand are the loader's own", "[onnx][estimate]") {
  test::TempDir dir;
  const std::string path = model(dir, false);
  const workload::Network in_file = load(path, true), built = load(path, false);
  REQUIRE(in_file.layers.size() == built.layers.size());
  int matrices = 0;
  for (std::size_t l = 0; l < built.layers.size(); ++l) {
    const workload::Layer &a = in_file.layers[l], &b = built.layers[l];
    if (!b.is_matrix()) continue;
    INFO("layer " << b.name);
    ++matrices;
    REQUIRE(a.file_weights);
    CHECK(a.weight.size() == 0);
    CHECK(!b.file_weights);
    CHECK(a.in_features() == b.in_features());
    CHECK(a.out_features() == b.out_features());
    CHECK(a.file_weights->matrix() == b.weight);
    CHECK(a.file_weights->row_abs_max() == b.weight.cwiseAbs().rowwise().maxCoeff());
    CHECK(a.bias == b.bias);
  }
  CHECK(matrices == 3);
}

TEST_CASE("file weights: scales and all-zero blocks are those of the built weights and of the codes",
          "[onnx][estimate]") {
  test::TempDir dir;
  const std::string path = model(dir, true);
  const workload::Network in_file = load(path, true), built = load(path, false);
  workload::Dataset calibration;
  calibration.inputs = Eigen::MatrixXf::Random(64 * 36, 2);
  for (const char* scale : {"per_tensor", "per_channel"})
    for (int bits : {8, 4}) {
      INFO(scale << ", " << bits << "-bit weights");
      const config::Config cfg = test::config_with("quantization: {weight_scale: " + std::string(scale) +
                                                   ", weight_bits: " + std::to_string(bits) + "}\n");
      workload::QuantizeOptions estimate;
      estimate.weight_codes = false;
      const auto a = workload::quantize(in_file, calibration, cfg.section("quantization"), estimate);
      const auto b = workload::quantize(built, calibration, cfg.section("quantization"), estimate);
      const auto codes = workload::quantize(built, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
      const auto file_codes = workload::quantize(in_file, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
      for (std::size_t k = 0; k < codes.layers.size(); ++k) {
        CHECK(file_codes.layers[k].w == codes.layers[k].w);  // built row by row from the file
        CHECK(file_codes.layers[k].w_scale == codes.layers[k].w_scale);
      }
      REQUIRE(a.layers.size() == 3);
      int zero_blocks = 0, other_blocks = 0;
      for (std::size_t k = 0; k < a.layers.size(); ++k) {
        const workload::QuantLayer &qa = a.layers[k], &qb = b.layers[k], &qc = codes.layers[k];
        const workload::Layer& layer = in_file.layers[static_cast<std::size_t>(qa.layer)];
        INFO("layer " << layer.name);
        REQUIRE(workload::codes_omitted(qa));
        CHECK(!qa.nonzero_bits.empty());
        CHECK(qa.w_scale == qb.w_scale);
        CHECK(qa.w_scale == qc.w_scale);
        const int in = static_cast<int>(layer.in_features()), out = static_cast<int>(layer.out_features());
        for (int r = 0; r < in; r += 37)
          for (int o = 0; o < out; o += 13) {
            const int rows = std::min(37, in - r), outs = std::min(13, out - o);
            const bool nz = workload::codes_nonzero(qa, layer, r, rows, o, outs);
            CHECK(nz == workload::codes_nonzero(qb, built.layers[static_cast<std::size_t>(qa.layer)], r, rows, o, outs));
            CHECK(nz == workload::codes_nonzero(qc, built.layers[static_cast<std::size_t>(qa.layer)], r, rows, o, outs));
            (nz ? other_blocks : zero_blocks) += 1;
          }
      }
      for (std::size_t k = 0; k < a.layers.size(); ++k)
        CHECK(weights_zero_otherwise(a.layers[k], in_file.layers[static_cast<std::size_t>(a.layers[k].layer)],
                                     codes.layers[k]) == 0);
      // The weights at the half step: the rounding of the codes, bit for bit.
      const workload::Layer& fc = in_file.layers.back();
      for (auto [r, c] : {std::pair{10, 5}, std::pair{20, 7}, std::pair{30, 9}}) {
        CHECK(workload::codes_nonzero(a.layers.back(), fc, c, 1, r, 1) == (codes.layers.back().w(r, c) != 0));
      }
      CHECK(zero_blocks > 10);
      CHECK(other_blocks > 10);
    }
  // Binary weights take their scales from the mean magnitudes of the built matrix.
  const config::Config binary = test::config_with("quantization: {weight_bits: 1, weight_scale: per_channel}\n");
  const auto a = workload::quantize(in_file, calibration, binary.section("quantization"), workload::QuantizeOptions{});
  const auto b = workload::quantize(built, calibration, binary.section("quantization"), workload::QuantizeOptions{});
  for (std::size_t k = 0; k < a.layers.size(); ++k) {
    CHECK(a.layers[k].w == b.layers[k].w);
    CHECK(a.layers[k].w_scale == b.layers[k].w_scale);
  }
}

TEST_CASE("file weights: a non-finite weight is an error naming the node", "[onnx][estimate][errors]") {
  test::TempDir dir;
  for (float poison : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    const std::string path = model(dir, false, poison);
    for (bool in_file : {true, false}) {
      INFO((in_file ? "left in the file" : "built") << ", " << poison);
      CHECK_THROWS_WITH(load(path, in_file), Catch::Contains("conv2") && Catch::Contains("non-finite value at element 1234"));
    }
  }
}

TEST_CASE("sign analysis: an estimate finds each input's sign without the float pass where the graph proves it",
          "[quantize][estimate]") {
  test::TempDir dir;
  for (bool relu_between : {true, false}) {
    INFO((relu_between ? "ReLU" : "nothing") << " between the convolutions");
    const workload::Network net = load(model(dir, relu_between), true);
    const std::vector<bool> nonnegative = workload::nonnegative_outputs(net);
    const auto index = [&](const std::string& name) {
      for (std::size_t l = 0; l < net.layers.size(); ++l)
        if (net.layers[l].name == name) return l;
      FAIL("no layer " << name);
      return std::size_t{0};
    };
    CHECK(nonnegative[index("conv2")]);  // its ReLU is fused
    CHECK(nonnegative[index("conv1")] == relu_between);
    CHECK_FALSE(nonnegative[index("fc")]);
    workload::Dataset calibration;
    calibration.inputs = Eigen::MatrixXf::Random(64 * 36, 3);  // of both signs
    const config::Config cfg = test::config_with("");
    workload::QuantizeOptions estimate;
    estimate.weight_codes = false;
    estimate.input_scales = false;
    const auto signs = workload::quantize(net, calibration, cfg.section("quantization"), estimate);
    const auto full = workload::quantize(net, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
    for (std::size_t k = 0; k < full.layers.size(); ++k) {
      INFO("layer " << net.layers[static_cast<std::size_t>(full.layers[k].layer)].name);
      CHECK(signs.layers[k].input_signed == full.layers[k].input_signed);
      CHECK(signs.layers[k].input_min == full.layers[k].input_min);
      CHECK(signs.layers[k].input_max == full.layers[k].input_max);
    }
    CHECK(full.layers[0].input_signed);   // the network input
    CHECK(full.layers[1].input_signed == !relu_between);
    // With the ReLU every sign is proven and no float pass runs: the second convolution's scale is
    // the placeholder of an all-zero batch. Without, the float pass sets it as a full run does.
    const double placeholder = 1.0 / 255;
    CHECK((signs.layers[1].input_scale == placeholder) == relu_between);
    if (!relu_between) CHECK(signs.layers[1].input_scale == full.layers[1].input_scale);
  }
}

TEST_CASE("file weights: the float network gives the built network's outputs, a large layer a block of rows at a time",
          "[onnx][estimate]") {
  // 4200 x 4000 float32 weights (67 MB) are past the size from which the float reference multiplies
  // weights left in the file a block of rows at a time; the convolutions of the model above are
  // built whole. Every output must be the built network's, bit for bit.
  test::TempDir dir;
  const std::int64_t outs = 4200, ins = 4000;
  test::OnnxBuilder b;
  b.input("x", {ins}).output("y");
  b.init("W", {outs, ins}, weights(outs * ins, 0.013, [](std::int64_t) { return false; }));
  b.floats_as_raw_data();
  auto& fc = b.node("Gemm", {"x", "W"}, {"y"}, "fc");
  test::OnnxBuilder::attr(fc, "transB", std::int64_t{1});
  const std::string large = b.save(dir.path(), "large.onnx");
  const Eigen::MatrixXf x = Eigen::MatrixXf::Random(ins, 3);
  const workload::Network in_file = load(large, true), built = load(large, false);
  REQUIRE(in_file.layers.front().file_weights);
  CHECK(functional::float_logits(in_file, x) == functional::float_logits(built, x));
  const std::string path = model(dir, false);
  const Eigen::MatrixXf images = Eigen::MatrixXf::Random(64 * 36, 2);
  CHECK(functional::float_logits(load(path, true), images) == functional::float_logits(load(path, false), images));
}

TEST_CASE("file weights: a small grouped convolution keeps its weights as stored", "[onnx][estimate]") {
  // 48 depthwise 3 × 3 kernels (432 values, converted at import): their lowered matrix is 48 × 432,
  // nearly all zeros. Left as stored, they build the same matrix and quantize the same.
  test::TempDir dir;
  test::OnnxBuilder b;
  b.input("x", {48, 5, 5}).output("y");
  b.init("W", {48, 1, 3, 3}, weights(48 * 9, 0.9, [](std::int64_t k) { return k % 5 == 0; }));
  auto& conv = b.node("Conv", {"x", "W"}, {"y"}, "depthwise");
  test::OnnxBuilder::attr(conv, "group", std::int64_t{48});
  const std::string path = b.save(dir.path(), "depthwise.onnx");
  const workload::Network in_file = load(path, true), built = load(path, false);
  REQUIRE(in_file.layers.front().file_weights);
  CHECK(in_file.layers.front().file_weights->matrix() == built.layers.front().weight);
  workload::Dataset calibration;
  calibration.inputs = Eigen::MatrixXf::Random(48 * 25, 2);
  const config::Config cfg = test::config_with("quantization: {weight_scale: per_channel}\n");
  const auto a = workload::quantize(in_file, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
  const auto c = workload::quantize(built, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
  CHECK(a.layers.front().w == c.layers.front().w);
  CHECK(a.layers.front().w_scale == c.layers.front().w_scale);
  CHECK(functional::float_logits(in_file, calibration.inputs) == functional::float_logits(built, calibration.inputs));
}

TEST_CASE("file weights: which weights quantize to zero, for rows that start anywhere in a word",
          "[onnx][estimate]") {
  // 3 groups of 5 input and 7 output channels, 3 × 3 kernels: rows of 45 stored values placed 135
  // columns apart, each from its group's column, so their bits start at every offset in a word.
  test::TempDir dir;
  test::OnnxBuilder b;
  b.input("x", {15, 6, 6}).output("y");
  b.init("W", {21, 5, 3, 3}, weights(21 * 45, 0.61, [](std::int64_t k) { return (k / 7) % 2 == 0; }));
  auto& conv = b.node("Conv", {"x", "W"}, {"y"}, "grouped");
  test::OnnxBuilder::attr(conv, "group", std::int64_t{3});
  const std::string path = b.save(dir.path(), "grouped.onnx");
  const workload::Network in_file = load(path, true), built = load(path, false);
  REQUIRE(in_file.layers.front().file_weights);
  workload::Dataset calibration;
  calibration.inputs = Eigen::MatrixXf::Random(15 * 36, 2);
  workload::QuantizeOptions estimate;
  estimate.weight_codes = false;
  for (const char* scale : {"per_tensor", "per_channel"}) {
    INFO(scale);
    const config::Config cfg = test::config_with("quantization: {weight_scale: " + std::string(scale) + "}\n");
    const auto a = workload::quantize(in_file, calibration, cfg.section("quantization"), estimate);
    const auto codes = workload::quantize(built, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
    REQUIRE(workload::codes_omitted(a.layers.front()));
    CHECK(codes.layers.front().w.any_nonzero(0, 0, 21, 135));
    CHECK(weights_zero_otherwise(a.layers.front(), in_file.layers.front(), codes.layers.front()) == 0);
  }
}

TEST_CASE("file weights: a quantized grouped convolution keeps its float weights as stored and its codes narrow",
          "[onnx][estimate][quantized]") {
  // int8 codes of 48 depthwise 3 × 3 kernels, per-channel scales, dequantized in the graph as
  // PyTorch's quantized exports do. Their lowered matrix (48 × 432) is nearly all zeros: the
  // estimate keeps the dequantized weights as stored, and the codes one byte each.
  test::TempDir dir;
  test::OnnxBuilder b;
  b.input("x", {48, 5, 5}).output("y");
  std::vector<std::int64_t> codes(48 * 9), zeros(48, 0);
  for (std::size_t k = 0; k < codes.size(); ++k) codes[k] = static_cast<std::int64_t>(k * 37 % 255) - 127;
  std::vector<float> scales(48);
  for (std::size_t o = 0; o < scales.size(); ++o) scales[o] = 0.01f * static_cast<float>(o + 1);
  b.init_ints("Wq", {48, 1, 3, 3}, codes, onnx::TensorProto::INT8);
  b.init("ws", {48}, scales);
  b.init_ints("wz", {48}, zeros, onnx::TensorProto::INT8);
  auto& dq = b.node("DequantizeLinear", {"Wq", "ws", "wz"}, {"W"}, "dequant");
  test::OnnxBuilder::attr(dq, "axis", std::int64_t{0});
  auto& conv = b.node("Conv", {"x", "W"}, {"y"}, "depthwise");
  test::OnnxBuilder::attr(conv, "group", std::int64_t{48});
  const std::string path = b.save(dir.path(), "depthwise_qdq.onnx");
  const workload::Network in_file = load(path, true), built = load(path, false);
  const workload::Layer &a = in_file.layers.front(), &c = built.layers.front();
  REQUIRE(a.file_weights);
  CHECK(a.weight.size() == 0);
  REQUIRE(c.weight.size() == 48 * 432);
  CHECK(a.file_weights->matrix() == c.weight);
  CHECK(a.weight_codes == c.weight_codes);
  CHECK(a.weight_codes.bytes_per_code() == 1);
  REQUIRE(a.weight_codes.rows() == 48);
  REQUIRE(a.weight_codes.cols() == 432);
  // Output o's nine codes sit at columns 9·o … 9·o + 8, as the float weights do; zeros elsewhere.
  std::int64_t off_diagonal = 0;
  for (int o = 0; o < 48; ++o)
    for (int i = 0; i < 432; ++i) {
      const bool own = i / 9 == o;
      if (own) CHECK(a.weight_codes(o, i) == codes[static_cast<std::size_t>(o * 9 + i % 9)]);
      else off_diagonal += a.weight_codes(o, i) != 0;
      if (own) CHECK(c.weight(o, i) == static_cast<float>(static_cast<double>(codes[static_cast<std::size_t>(o * 9 + i % 9)]) * scales[static_cast<std::size_t>(o)]));
    }
  CHECK(off_diagonal == 0);
  workload::Dataset calibration;
  calibration.inputs = Eigen::MatrixXf::Random(48 * 25, 2);
  const config::Config cfg = test::config_with("");
  const auto qa = workload::quantize(in_file, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
  const auto qc = workload::quantize(built, calibration, cfg.section("quantization"), workload::QuantizeOptions{});
  CHECK(qa.layers.front().weight_bits == 8);  // codes within ±127: the symmetric 8-bit range
  CHECK(qa.layers.front().weight_bits == qc.layers.front().weight_bits);
  CHECK(qa.layers.front().w == qc.layers.front().w);
  CHECK(qa.layers.front().w_scale == qc.layers.front().w_scale);
  CHECK(functional::float_logits(in_file, calibration.inputs) == functional::float_logits(built, calibration.inputs));
}

TEST_CASE("constant nodes: a large int8 Constant is read as an initializer is, kept as its bytes until folded",
          "[onnx][quantized]") {
  // PyTorch's quantized exports hold every weight in a Constant node. The same int8 codes (300 ×
  // 256, above the size kept as read) as an initializer's int32 field, as a Constant node's raw
  // data and as an initializer's raw data (read where it lies in the mapped file), dequantized per
  // channel into a Gemm: the same layer every way, in both load modes.
  std::vector<std::int64_t> codes(300 * 256), zeros(300, 0);
  for (std::size_t k = 0; k < codes.size(); ++k) codes[k] = static_cast<std::int64_t>(k * 53 % 255) - 127;
  std::vector<float> scales(300);
  for (std::size_t o = 0; o < scales.size(); ++o) scales[o] = 0.001f * static_cast<float>(o + 1);
  test::TempDir dir;
  std::string bytes(codes.size(), '\0');
  for (std::size_t k = 0; k < codes.size(); ++k) bytes[k] = static_cast<char>(static_cast<std::int8_t>(codes[k]));
  enum Form { kField, kNode, kRaw };
  const auto save = [&](Form form) {
    test::OnnxBuilder b;
    b.input("x", {256}).output("y");
    b.init("ws", {300}, scales);
    b.init_ints("wz", {300}, zeros, onnx::TensorProto::INT8);
    if (form == kNode) {
      auto& c = b.node("Constant", {}, {"Wq"}, "weights");
      auto* a = c.add_attribute();
      a->set_name("value");
      a->set_type(onnx::AttributeProto::TENSOR);
      onnx::TensorProto& t = *a->mutable_t();
      t.set_data_type(onnx::TensorProto::INT8);
      t.add_dims(300);
      t.add_dims(256);
      t.set_raw_data(bytes);
    } else {
      b.init_ints("Wq", {300, 256}, form == kRaw ? std::vector<std::int64_t>{} : codes, onnx::TensorProto::INT8);
      if (form == kRaw) (*b.model().mutable_graph()->mutable_initializer())[2].set_raw_data(bytes);
    }
    auto& dq = b.node("DequantizeLinear", {"Wq", "ws", "wz"}, {"W"}, "dequant");
    test::OnnxBuilder::attr(dq, "axis", std::int64_t{0});
    auto& fc = b.node("Gemm", {"x", "W"}, {"y"}, "fc");
    test::OnnxBuilder::attr(fc, "transB", std::int64_t{1});
    return b.save(dir.path(), "form" + std::to_string(static_cast<int>(form)) + ".onnx");
  };
  const std::string init_path = save(kField);
  for (const Form form : {kNode, kRaw}) {
    const std::string path = save(form);
    for (const bool in_file : {false, true}) {
      INFO("form " << static_cast<int>(form) << ", weights in file: " << in_file);
      const workload::Network a = load(path, in_file), c = load(init_path, in_file);
      REQUIRE(a.layers.size() == 1);
      const workload::Layer &la = a.layers.front(), &lc = c.layers.front();
      CHECK(la.weight == lc.weight);
      CHECK(la.weight_codes == lc.weight_codes);
      CHECK(la.weight_code_scale == lc.weight_code_scale);
      REQUIRE(la.weight_codes.rows() == 300);
      CHECK(la.weight_codes(7, 11) == codes[7 * 256 + 11]);
      CHECK(la.weight(7, 11) == static_cast<float>(static_cast<double>(codes[7 * 256 + 11]) * scales[7]));
    }
  }
}
