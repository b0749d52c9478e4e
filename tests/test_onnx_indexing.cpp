// Indexing idioms of PyTorch exports, each in a model written by hand and checked against values
// worked out here: open-ended slices (ends of INT64_MAX, which is 2^63 as a double), reversed
// slices (ends of INT64_MIN), the tail of a shape that is empty, Mod and ScatterND folded on
// constants (torchvision's Swin Transformer builds its window masks so), and a Dropout exported in
// training mode with a ratio of 0. Their errors name the node and, where one is at fault, the
// attribute.

#include <catch2/catch.hpp>

#include <limits>

#include "onnx_builder.hpp"
#include "sim/config/error.hpp"
#include "sim/functional/reference.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "support.hpp"

using namespace cimsim;
using test::OnnxBuilder;

namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// The float outputs of `b` for inputs x (one sample per column).
Eigen::MatrixXf outputs(const OnnxBuilder& b, const Eigen::MatrixXf& x) {
  test::TempDir dir;
  const workload::Network net = workload::load_onnx(b.save(dir.path(), "model.onnx"));
  return functional::float_logits(net, x);
}

std::string error_of(const OnnxBuilder& b) {
  test::TempDir dir;
  const std::string path = b.save(dir.path(), "model.onnx");
  try {
    workload::load_onnx(path);
  } catch (const config::InputError& e) {
    return e.what();
  }
  return "no error";
}

void string_attr(onnx::NodeProto& n, const std::string& name, const std::string& value) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

// Two samples of `n` elements: 1, 2, 3, ... down the first column, their negatives down the second.
Eigen::MatrixXf two_samples(Eigen::Index n) {
  Eigen::MatrixXf x(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    x(i, 0) = static_cast<float>(i + 1);
    x(i, 1) = -static_cast<float>(i + 1);
  }
  return x;
}

// x [batch, 4, 3] + c, where `c` [4, 3] is made by the nodes `make_c` adds.
OnnxBuilder plus_constant(const std::function<void(OnnxBuilder&)>& make_c) {
  OnnxBuilder b;
  b.input("x", {4, 3}).output("y");
  make_c(b);
  b.node("Add", {"x", "c"}, {"y"});
  return b;
}

}  // namespace

TEST_CASE("onnx indexing: a slice to INT64_MAX takes the rest of the axis, to INT64_MIN walks back to its start",
          "[onnx][indexing]") {
  // y = concat(x[:, 3:], x[:, :3]) over the 8 rows of x [batch, 8]: torch.roll(x, -3, 1).
  OnnxBuilder b(17);
  b.input("x", {8}).output("y");
  b.init_ints("s3", {1}, {3}).init_ints("end", {1}, {kInt64Max}).init_ints("s0", {1}, {0}).init_ints("axis", {1}, {1});
  b.node("Slice", {"x", "s3", "end", "axis"}, {"tail"});
  b.node("Slice", {"x", "s0", "s3", "axis"}, {"head"});
  OnnxBuilder::attr(b.node("Concat", {"tail", "head"}, {"y"}), "axis", std::int64_t{1});
  const Eigen::MatrixXf x = two_samples(8);
  const Eigen::MatrixXf y = outputs(b, x);
  REQUIRE(y.rows() == 8);
  for (Eigen::Index i = 0; i < 8; ++i) {
    CHECK(y(i, 0) == x((i + 3) % 8, 0));
    CHECK(y(i, 1) == x((i + 3) % 8, 1));
  }

  // y = x[:, ::-1]: from the last element back past the first.
  OnnxBuilder r(17);
  r.input("x", {5}).output("y");
  r.init_ints("last", {1}, {-1}).init_ints("before", {1}, {kInt64Min}).init_ints("axis", {1}, {1});
  r.init_ints("back", {1}, {-1});
  r.node("Slice", {"x", "last", "before", "axis", "back"}, {"y"});
  const Eigen::MatrixXf xr = two_samples(5);
  const Eigen::MatrixXf yr = outputs(r, xr);
  REQUIRE(yr.rows() == 5);
  for (Eigen::Index i = 0; i < 5; ++i) CHECK(yr(i, 1) == xr(4 - i, 1));
}

TEST_CASE("onnx indexing: an empty tail of a shape folds and joins the rest", "[onnx][indexing]") {
  // shape(x)[2:] of x [batch, 6] is empty; concat(shape(x)[:2], it) is [N, 6] again.
  OnnxBuilder b(17);
  b.input("x", {6}).output("y");
  b.init_ints("s0", {1}, {0}).init_ints("s2", {1}, {2}).init_ints("end", {1}, {kInt64Max});
  b.node("Shape", {"x"}, {"shape"});
  b.node("Slice", {"shape", "s2", "end"}, {"none"});
  b.node("Slice", {"shape", "s0", "s2"}, {"both"});
  OnnxBuilder::attr(b.node("Concat", {"both", "none"}, {"target"}), "axis", std::int64_t{0});
  b.node("Reshape", {"x", "target"}, {"r"});
  b.node("Relu", {"r"}, {"y"});
  const Eigen::MatrixXf x = two_samples(6);
  CHECK(outputs(b, x) == x.cwiseMax(0.0f));
}

TEST_CASE("onnx indexing: Mod folds with the divisor's sign, or the dividend's under fmod", "[onnx][indexing]") {
  auto mod_model = [](std::int64_t fmod, int dtype) {
    return plus_constant([&](OnnxBuilder& b) {
      const std::vector<std::int64_t> a = {-7, 7, -7, 7, 9, -9, 0, 5, 6, -6, 1, -1};
      const std::vector<std::int64_t> d = {3, 3, -3, -3, 4, 4, 5, 5, 4, -4, 2, 2};
      if (dtype == onnx::TensorProto::FLOAT) {
        b.init("a", {4, 3}, std::vector<float>(a.begin(), a.end())).init("d", {4, 3}, std::vector<float>(d.begin(), d.end()));
      } else {
        b.init_ints("a", {4, 3}, a).init_ints("d", {4, 3}, d);
      }
      OnnxBuilder::attr(b.node("Mod", {"a", "d"}, {"m"}, "mod"), "fmod", fmod);
      OnnxBuilder::attr(b.node("Cast", {"m"}, {"c"}), "to", std::int64_t{onnx::TensorProto::FLOAT});
    });
  };
  const Eigen::MatrixXf x = Eigen::MatrixXf::Zero(12, 1);
  // Python's % (the remainder has the divisor's sign) and C's fmod (the dividend's).
  const std::vector<float> floor_mod = {2, 1, -1, -2, 1, 3, 0, 0, 2, -2, 1, 1};
  const std::vector<float> trunc_mod = {-1, 1, -1, 1, 1, -1, 0, 0, 2, -2, 1, -1};
  const Eigen::MatrixXf y0 = outputs(mod_model(0, onnx::TensorProto::INT64), x);
  const Eigen::MatrixXf y1 = outputs(mod_model(1, onnx::TensorProto::INT64), x);
  const Eigen::MatrixXf yf = outputs(mod_model(1, onnx::TensorProto::FLOAT), x);
  for (std::size_t i = 0; i < 12; ++i) {
    INFO("element " << i);
    CHECK(y0(static_cast<Eigen::Index>(i), 0) == floor_mod[i]);
    CHECK(y1(static_cast<Eigen::Index>(i), 0) == trunc_mod[i]);
    CHECK(yf(static_cast<Eigen::Index>(i), 0) == trunc_mod[i]);
  }
  const std::string float_floor = error_of(mod_model(0, onnx::TensorProto::FLOAT));
  CHECK_THAT(float_floor, Catch::Contains("node 'mod' (Mod)") && Catch::Contains("fmod must be 1"));
  const std::string by_zero = error_of(plus_constant([](OnnxBuilder& b) {
    b.init_ints("a", {4, 3}, std::vector<std::int64_t>(12, 5)).init_ints("d", {}, {0});
    b.node("Mod", {"a", "d"}, {"m"}, "mod");
    OnnxBuilder::attr(b.node("Cast", {"m"}, {"c"}), "to", std::int64_t{onnx::TensorProto::FLOAT});
  }));
  CHECK_THAT(by_zero, Catch::Contains("node 'mod' (Mod)") && Catch::Contains("modulo zero"));
}

TEST_CASE("onnx indexing: ScatterND folds on constants, last update of a slice winning", "[onnx][indexing]") {
  auto scatter_model = [](const std::vector<std::int64_t>& idx_dims, const std::vector<std::int64_t>& idx,
                          const std::vector<std::int64_t>& upd_dims, const std::vector<float>& upd,
                          const std::string& reduction = "") {
    return plus_constant([&](OnnxBuilder& b) {
      b.init("data", {4, 3}, test::ramp(12)).init_ints("idx", idx_dims, idx).init("upd", upd_dims, upd);
      auto& n = b.node("ScatterND", {"data", "idx", "upd"}, {"c"}, "scatter");
      if (!reduction.empty()) string_attr(n, "reduction", reduction);
    });
  };
  const Eigen::MatrixXf x = Eigen::MatrixXf::Zero(12, 1);
  const std::vector<float> ramp = test::ramp(12);
  // Rows 1 and −1 (3) replaced; row 1 named twice keeps its second update.
  const Eigen::MatrixXf rows =
      outputs(scatter_model({3, 1}, {1, -1, 1}, {3, 3}, {10, 11, 12, 20, 21, 22, 30, 31, 32}), x);
  // Single elements: (0, 2) and (2, 0).
  const Eigen::MatrixXf elements = outputs(scatter_model({2, 2}, {0, 2, 2, 0}, {2}, {-5, -6}), x);
  for (Eigen::Index i = 0; i < 12; ++i) {
    const Eigen::Index row = i / 3, col = i % 3;
    const float expected_rows = row == 1 ? 30.0f + static_cast<float>(col) : row == 3 ? 20.0f + static_cast<float>(col) : ramp[static_cast<std::size_t>(i)];
    const float expected_elements = i == 2 ? -5.0f : i == 6 ? -6.0f : ramp[static_cast<std::size_t>(i)];
    INFO("element " << i);
    CHECK(rows(i, 0) == expected_rows);
    CHECK(elements(i, 0) == expected_elements);
  }
  CHECK_THAT(error_of(scatter_model({1, 1}, {1}, {1, 3}, {1, 2, 3}, "add")),
             Catch::Contains("node 'scatter' (ScatterND)") && Catch::Contains("reduction") && Catch::Contains("not supported"));
  CHECK_THAT(error_of(scatter_model({1, 1}, {4}, {1, 3}, {1, 2, 3})),
             Catch::Contains("node 'scatter' (ScatterND)") && Catch::Contains("index 4 is outside axis 0 of 4"));
  CHECK_THAT(error_of(scatter_model({1, 1}, {1}, {1, 2}, {1, 2})),
             Catch::Contains("node 'scatter' (ScatterND)") && Catch::Contains("updates are [1, 2], not [1, 3]"));
}

TEST_CASE("onnx indexing: a Dropout in training mode passes only with a ratio of 0", "[onnx][indexing]") {
  auto dropout_model = [](float ratio) {
    OnnxBuilder b(13);
    b.input("x", {4}).output("y");
    b.init("ratio", {}, {ratio}).init_ints("train", {}, {1}, onnx::TensorProto::BOOL);
    b.node("Dropout", {"x", "ratio", "train"}, {"d"}, "drop");
    b.node("Relu", {"d"}, {"y"});
    return b;
  };
  const Eigen::MatrixXf x = two_samples(4);
  CHECK(outputs(dropout_model(0.0f), x) == x.cwiseMax(0.0f));
  CHECK_THAT(error_of(dropout_model(0.5f)),
             Catch::Contains("node 'drop' (Dropout)") && Catch::Contains("ratio other than 0"));
}
