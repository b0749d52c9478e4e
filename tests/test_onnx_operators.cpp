// The digital operators (models/operators): their work reaches the chip's mapping, each one is
// registered under its ONNX name, and the gradients the worst-case search back-propagates
// through them match finite differences of their forward pass.

#include <catch2/catch.hpp>

#include <random>

#include "models/operators/function_cost.hpp"
#include "models/operators/operator.hpp"
#include "models/operators/tensor_index.hpp"
#include "onnx_builder.hpp"
#include "sim/functional/ops.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "sim/workload/quantize.hpp"
#include "support.hpp"

using namespace cimsim;
using models::OperatorArgs;
using models::OperatorInput;

namespace {

OperatorInput activation(models::Dims dims) {
  OperatorInput in;
  in.kind = OperatorInput::Kind::Activation;
  in.dims = std::move(dims);
  return in;
}

OperatorInput constant(models::Dims dims, std::vector<double> values) {
  OperatorInput in;
  in.kind = OperatorInput::Kind::Constant;
  in.dims = std::move(dims);
  in.values = std::move(values);
  return in;
}

models::Attribute ints(std::vector<std::int64_t> v) {
  models::Attribute a;
  a.kind = models::Attribute::Kind::Ints;
  a.ints = std::move(v);
  return a;
}

models::Attribute integer(std::int64_t v) {
  models::Attribute a;
  a.kind = models::Attribute::Kind::Int;
  a.i = v;
  return a;
}

std::unique_ptr<models::Operator> make(OperatorArgs args) {
  const models::OperatorEntry* e = models::OperatorRegistry::instance().find(args.type);
  REQUIRE(e != nullptr);
  return e->make(args);
}

// Central differences of Σ w·forward(x) against the operator's backward, for random x and w.
void check_gradient(const OperatorArgs& args, double tolerance = 2e-3) {
  INFO(args.type);
  const auto op = make(args);
  REQUIRE(op->differentiable());
  std::mt19937 gen(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<Eigen::MatrixXf> x;
  for (const auto& in : args.inputs)
    if (in.kind == OperatorInput::Kind::Activation) {
      x.emplace_back(models::element_count(in.dims), 2);
      for (Eigen::Index i = 0; i < x.back().size(); ++i) x.back().data()[i] = normal(gen);
    }
  auto pointers = [&] {
    std::vector<const Eigen::MatrixXf*> p;
    for (const auto& m : x) p.push_back(&m);
    return p;
  };
  const Eigen::MatrixXf y = op->forward(pointers());
  Eigen::MatrixXf w(y.rows(), y.cols());
  for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = normal(gen);
  const std::vector<Eigen::MatrixXf> g = op->backward(pointers(), y, w);
  REQUIRE(g.size() == x.size());
  for (std::size_t k = 0; k < x.size(); ++k)
    for (Eigen::Index i = 0; i < x[k].size(); ++i) {
      const float keep = x[k].data()[i];
      const float h = 1e-2f;
      x[k].data()[i] = keep + h;
      const double up = op->forward(pointers()).cwiseProduct(w).sum();
      x[k].data()[i] = keep - h;
      const double down = op->forward(pointers()).cwiseProduct(w).sum();
      x[k].data()[i] = keep;
      INFO("input " << k << " element " << i);
      CHECK(g[k].data()[i] == Approx((up - down) / (2 * h)).margin(tolerance).epsilon(2e-2));
    }
}

}  // namespace

TEST_CASE("operators: every operator the importer names is registered", "[onnx][operators]") {
  for (const char* type : {"Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "LeakyRelu", "PRelu", "Elu", "Erf", "Sqrt",
                           "Exp", "Reciprocal", "Add", "Sub", "Mul", "Div", "Pow", "ReduceMean", "ReduceSum",
                           "ReduceMax", "Softmax", "LogSoftmax", "LayerNormalization", "BatchNormalization", "MatMul",
                           "Transpose", "Slice", "Pad", "Concat", "Gather", "ScatterND", "Expand", "cimsim.LstmCell", "cimsim.GruCell"}) {
    INFO(type);
    const models::OperatorEntry* e = models::OperatorRegistry::instance().find(type);
    REQUIRE(e != nullptr);
    CHECK(e->origin == "built-in");
    CHECK_FALSE(e->help.empty());
  }
}

TEST_CASE("operators: gradients match finite differences", "[onnx][operators]") {
  OperatorArgs a;
  a.opset = 17;
  auto with = [&](const char* type, std::vector<OperatorInput> inputs, std::map<std::string, models::Attribute> attrs = {}) {
    OperatorArgs b = a;
    b.type = type;
    b.inputs = std::move(inputs);
    b.attributes = std::move(attrs);
    return b;
  };
  for (const char* unary : {"Sigmoid", "Tanh", "Erf", "Exp", "HardSwish", "Elu"})
    check_gradient(with(unary, {activation({1, 3, 4})}));
  check_gradient(with("Softmax", {activation({1, 3, 4})}));
  check_gradient(with("LogSoftmax", {activation({1, 3, 4})}, {{"axis", integer(1)}}));
  check_gradient(with("LayerNormalization", {activation({1, 3, 5}), constant({5}, {1, 2, 0.5, -1, 1.5})}));
  check_gradient(with("MatMul", {activation({1, 2, 3, 4}), activation({1, 2, 4, 5})}));
  check_gradient(with("Mul", {activation({1, 4, 3, 3}), activation({1, 4, 1, 1})}));
  check_gradient(with("Div", {activation({1, 4, 3}), constant({3}, {2, -3, 0.5})}));
  check_gradient(with("Pow", {activation({1, 6}), constant({}, {2})}));
  check_gradient(with("ReduceMean", {activation({1, 3, 4})}, {{"axes", ints({-1})}}));
  check_gradient(with("Transpose", {activation({1, 2, 3, 4})}, {{"perm", ints({0, 3, 1, 2})}}));
}

TEST_CASE("operators: their digital work reaches the chip's mapping", "[onnx][operators]") {
  // x [batch, 4, 6] -> Sigmoid -> Softmax(-1) -> MatMul with its own transpose (attention-like)
  // -> Flatten -> Gemm.
  test::OnnxBuilder b;
  b.input("x", {4, 6}).output("y");
  b.node("Sigmoid", {"x"}, {"s"}, "sig");
  test::OnnxBuilder::attr(b.node("Softmax", {"s"}, {"p"}, "soft"), "axis", std::int64_t{-1});
  test::OnnxBuilder::attr(b.node("Transpose", {"p"}, {"pt"}, "tr"), "perm", std::vector<std::int64_t>{0, 2, 1});
  b.node("MatMul", {"p", "pt"}, {"a"}, "attn");
  b.node("Flatten", {"a"}, {"f"}, "flat");
  b.init("w", {3, 16}, test::ramp(48));
  test::OnnxBuilder::attr(b.node("Gemm", {"f", "w"}, {"y"}, "fc"), "transB", std::int64_t{1});
  test::TempDir dir;
  const workload::Network net = workload::load_onnx(b.save(dir.path(), "ops.onnx"));
  const config::Config cfg = test::config_with("");
  workload::Dataset calib;
  calib.inputs = Eigen::MatrixXf::Random(24, 4);
  const workload::QuantizedNetwork qnet = workload::quantize(net, calib, cfg.section("quantization"));
  const mapping::ChipMap chip = mapping::map_network(qnet, mapping::Architecture::from(cfg), 1, 8);
  auto digital = [&](const std::string& name) {
    for (const auto& lm : chip.layers)
      if (lm.name == name) return lm;
    FAIL("no layer " << name);
    return mapping::LayerMap{};
  };
  namespace cost = models::cost;
  // 24 sigmoids.
  const mapping::LayerMap sig = digital("sig");
  CHECK(sig.kind == mapping::LayerMap::Kind::Digital);
  CHECK(sig.op == "sigmoid");
  CHECK(sig.digital.adds == 24 * cost::kSigmoid.adds);
  CHECK(sig.digital.mults == 24 * cost::kSigmoid.mults);
  // Four rows of six: the maximum (5 compares), 6 subtractions and 5 adds, 6 exps, a reciprocal
  // and 6 mults per row.
  const mapping::LayerMap soft = digital("soft");
  CHECK(soft.digital.compares == 4 * 5);
  CHECK(soft.digital.adds == 4 * (6 + 5 + 6 * cost::kExp.adds + cost::kRecip.adds));
  CHECK(soft.digital.mults == 4 * (6 + 6 * cost::kExp.mults + cost::kRecip.mults));
  // A 4x6 by 6x4 product: 16 outputs of 6 mults and 5 adds; the transpose moves data only.
  CHECK(digital("attn").digital.mults == 16 * 6);
  CHECK(digital("attn").digital.adds == 16 * 5);
  CHECK(digital("tr").digital.adds + digital("tr").digital.mults + digital("tr").digital.compares == 0);
  CHECK(digital("fc").kind == mapping::LayerMap::Kind::Matrix);
}

TEST_CASE("operators: a broadcast read without a table reads what the table says", "[onnx][operators]") {
  // Every pair of shapes up to rank 4 with sizes 1 to 3 where the input broadcasts to the output.
  std::vector<models::Dims> shapes = {{}};
  for (int rank = 1; rank <= 4; ++rank) {
    const std::size_t before = shapes.size();
    for (std::size_t s = 0; s < before; ++s)
      if (static_cast<int>(shapes[s].size()) == rank - 1)
        for (std::int64_t d = 1; d <= 3; ++d) {
          models::Dims next = shapes[s];
          next.push_back(d);
          shapes.push_back(next);
        }
  }
  int pairs = 0, tabled = 0;
  for (const auto& out : shapes)
    for (const auto& in : shapes) {
      if (in.size() > out.size()) continue;
      bool fits = true;
      for (std::size_t k = 0; k < in.size(); ++k) {
        const std::int64_t d = in[in.size() - 1 - k];
        fits = fits && (d == 1 || d == out[out.size() - 1 - k]);
      }
      if (!fits) continue;
      INFO(models::dims_text(in) << " to " << models::dims_text(out));
      const std::vector<std::int64_t> table = models::broadcast_index(in, out);
      const models::BroadcastMap map(in, out);
      bool same = true;
      for (std::size_t i = 0; i < table.size(); ++i) same = same && map(static_cast<std::int64_t>(i)) == table[i];
      CHECK(same);
      ++pairs;
      // Inputs that vary along axes with a broadcast one between them need the table.
      bool gap = false, seen = false, ended = false;
      for (std::size_t k = out.size() - in.size(); k < out.size(); ++k) {
        const bool varies = in[k - (out.size() - in.size())] != 1;
        if (varies && ended) gap = true;
        if (varies) seen = true;
        else if (seen && out[k] != 1) ended = true;
      }
      tabled += gap ? 1 : 0;
    }
  CHECK(pairs > 1000);
  CHECK(tabled > 100);
}

namespace {

models::Attribute text(std::string v) {
  models::Attribute a;
  a.kind = models::Attribute::Kind::String;
  a.s = std::move(v);
  return a;
}

// Resize of x [1, n] (values 0, 10, 20, ...) to `out` elements along axis 1, by sizes.
std::vector<float> resized(std::int64_t n, std::int64_t out, const std::string& mode, const std::string& transform,
                           const std::string& nearest_mode = "round_prefer_floor") {
  OperatorArgs a;
  a.type = "Resize";
  a.opset = 13;
  a.inputs = {activation({1, n}), constant({0}, {}), constant({0}, {}),
              constant({2}, {1.0, static_cast<double>(out)})};
  a.attributes["mode"] = text(mode);
  a.attributes["coordinate_transformation_mode"] = text(transform);
  a.attributes["nearest_mode"] = text(nearest_mode);
  const auto op = make(a);
  REQUIRE(op->output_dims() == models::Dims{1, out});
  Eigen::MatrixXf x(n, 1);
  for (std::int64_t i = 0; i < n; ++i) x(i, 0) = 10.0f * static_cast<float>(i);
  const Eigen::MatrixXf y = op->forward({&x});
  return std::vector<float>(y.data(), y.data() + y.size());
}

}  // namespace

TEST_CASE("operators: Resize maps output coordinates as ONNX's transformation modes say", "[onnx][operators]") {
  using V = std::vector<float>;
  // Corners aligned: 0 … 20 over 5 points.
  CHECK(resized(3, 5, "linear", "align_corners") == V{0, 5, 10, 15, 20});
  // Half pixel, doubling: (x + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, …, clamped to the edges.
  CHECK(resized(3, 6, "linear", "half_pixel") == V{0, 2.5f, 7.5f, 12.5f, 17.5f, 20});
  // Asymmetric nearest with floor (nn.Upsample's nearest): x/2.
  CHECK(resized(3, 6, "nearest", "asymmetric", "floor") == V{0, 0, 10, 10, 20, 20});
  // Halving with half pixel: 0.5, 2.5 round half down (round_prefer_floor) or up.
  CHECK(resized(4, 2, "nearest", "half_pixel") == V{0, 20});
  CHECK(resized(4, 2, "nearest", "half_pixel", "round_prefer_ceil") == V{10, 30});
  // One output point: pytorch_half_pixel reads the first element.
  CHECK(resized(4, 1, "linear", "pytorch_half_pixel") == V{0});
}

TEST_CASE("operators: Resize refuses what it does not model and a resize of the batch", "[onnx][operators]") {
  auto args = [](const char* attribute, models::Attribute value) {
    OperatorArgs a;
    a.type = "Resize";
    a.opset = 13;
    a.inputs = {activation({1, 2, 4, 4}), constant({0}, {}), constant({4}, {1, 1, 2, 2})};
    if (attribute) a.attributes[attribute] = std::move(value);
    return a;
  };
  auto refused = [&](const char* attribute, models::Attribute value, const char* fragment) {
    INFO(attribute);
    try {
      make(args(attribute, std::move(value)));
      FAIL("accepted");
    } catch (const models::OperatorError& e) {
      CHECK(e.attribute() == attribute);
      CHECK_THAT(e.what(), Catch::Contains(fragment));
    }
  };
  refused("mode", text("cubic"), "'cubic' is not supported");
  refused("coordinate_transformation_mode", text("tf_crop_and_resize"), "is not supported");
  refused("antialias", integer(1), "antialiasing");
  refused("nearest_mode", text("stochastic"), "is not supported");
  // Scaling the batch axis would mix samples: the loader refuses a batch_axis of −1.
  OperatorArgs batch = args(nullptr, {});
  batch.inputs[2] = constant({4}, {2, 1, 1, 1});
  CHECK(make(batch)->batch_axis({0}) == -1);
  CHECK(make(args(nullptr, {}))->batch_axis({0}) == 0);
  // Two linear passes (H to 8, then W to 8): 2 mults and an add per element of each pass's output.
  OperatorArgs linear = args("mode", text("linear"));
  const models::DigitalOps ops = make(linear)->cost();
  CHECK(ops.mults == 2 * (2 * 8 * 4 + 2 * 8 * 8));
  CHECK(ops.adds == 2 * 8 * 4 + 2 * 8 * 8);
}

namespace {

// Einsum of activation x (dims a) and, when `b` is given, constant y (dims b, values 1, 2, ...),
// for one sample of x = 1, 2, 3, ...: its output, or the error's text.
struct EinsumResult {
  models::Dims dims;
  std::vector<float> values;
  std::string error;
};
EinsumResult einsum(const std::string& equation, const models::Dims& a, const models::Dims& b = {}) {
  OperatorArgs args;
  args.type = "Einsum";
  args.opset = 13;
  args.inputs.push_back(activation(a));
  if (!b.empty()) {
    std::vector<double> v(static_cast<std::size_t>(models::element_count(b)));
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i + 1);
    args.inputs.push_back(constant(b, v));
  }
  args.attributes["equation"] = text(equation);
  EinsumResult r;
  try {
    const auto op = make(args);
    Eigen::MatrixXf x(models::element_count(a), 1);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = static_cast<float>(i + 1);
    const Eigen::MatrixXf y = op->forward({&x});
    r.dims = op->output_dims();
    r.values.assign(y.data(), y.data() + y.size());
  } catch (const models::OperatorError& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace

TEST_CASE("operators: Einsum sums the products its equation names", "[onnx][operators]") {
  using V = std::vector<float>;
  // x = [[1, 2, 3], [4, 5, 6]], y = [[1, 2], [3, 4], [5, 6]]: x·y = [[22, 28], [49, 64]].
  CHECK(einsum("ij,jk->ik", {2, 3}, {3, 2}).values == V{22, 28, 49, 64});
  // The implicit output is the letters used once, alphabetically: i and k again.
  CHECK(einsum("ij,jk", {2, 3}, {3, 2}).values == V{22, 28, 49, 64});
  // xᵀ·x-like contraction over i with upper-case letters and spaces, as MaxViT writes it.
  CHECK(einsum("I J, I K -> J K", {2, 3}, {2, 2}).values == V{13, 18, 17, 24, 21, 30});
  // One operand: a transpose and a sum over rows.
  const EinsumResult t = einsum("ij->ji", {2, 3});
  CHECK(t.dims == models::Dims{3, 2});
  CHECK(t.values == V{1, 4, 2, 5, 3, 6});
  CHECK(einsum("ij->j", {2, 3}).values == V{5, 7, 9});
  // Outer product: nothing summed.
  CHECK(einsum("i,j->ij", {2}, {3}).values == V{1, 2, 3, 2, 4, 6});
  CHECK_THAT(einsum("...ij,jk->...ik", {2, 3}, {3, 2}).error, Catch::Contains("ellipses"));
  CHECK_THAT(einsum("ii->i", {3, 3}).error, Catch::Contains("diagonal"));
  CHECK_THAT(einsum("ij,jk->ik", {2, 3}, {4, 2}).error, Catch::Contains("'j' is 3 in one operand and 4 in another"));
  CHECK_THAT(einsum("ij,jk->iz", {2, 3}, {3, 2}).error, Catch::Contains("'z', which no operand has"));
  CHECK_THAT(einsum("ijk,jk->i", {2, 3}, {3, 2}).error, Catch::Contains("3 letters for a rank-2 input"));
}

TEST_CASE("operators: integers beyond any size are refused, never overflow", "[onnx][operators]") {
  // Values a corrupted file may hold (the fuzzer found the first: pads whose sum overflowed).
  const double huge = 7205759403792793601.0, beyond = 1e300;
  auto refused = [](OperatorArgs a) {
    INFO(a.type);
    CHECK_THROWS_AS(make(a), models::OperatorError);
  };
  auto args = [](const char* type, std::vector<OperatorInput> inputs, int opset = 13) {
    OperatorArgs a;
    a.type = type;
    a.opset = opset;
    a.inputs = std::move(inputs);
    return a;
  };
  refused(args("Pad", {activation({1, 4}), constant({4}, {0, huge, 0, huge})}));
  refused(args("Pad", {activation({1, 4}), constant({4}, {0, -beyond, 0, 0})}));
  refused(args("Expand", {activation({1, 4}), constant({2}, {beyond, 4})}));
  refused(args("Gather", {activation({1, 4}), constant({1}, {beyond})}));
  refused(args("Gather", {activation({1, 4}), constant({1}, {-beyond})}));
  refused(args("Resize", {activation({1, 2, 4, 4}), constant({0}, {}), constant({4}, {1, 1, beyond, 1})}));
  refused(args("Resize", {activation({1, 2, 4, 4}), constant({0}, {}), constant({0}, {}), constant({4}, {1, 2, huge, 4})}));
  refused(args("ScatterND", {activation({1, 4}), constant({1, 2}, {0, beyond}), constant({1}, {1})}));
  // A slice from the end to far before the start, in steps of −2^61, still selects one element.
  const auto s = make(args("Slice", {activation({1, 4}), constant({1}, {-1}), constant({1}, {-beyond}),
                                    constant({1}, {1}), constant({1}, {-beyond})}));
  CHECK(s->output_dims() == models::Dims{1, 1});
}
