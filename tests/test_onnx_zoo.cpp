// Networks people bring, exported at test time by Debian's PyTorch and torchvision at opsets 13
// and 17 with a dynamic batch (scripts/export_torch_models.py): each imports, and its float
// outputs on seeded random inputs equal PyTorch's to float tolerance. Quantized by cimsim (8-bit,
// calibrated on the same inputs), the chip with ideal cells and a lossless ADC gives exactly the
// logits of exact integer arithmetic, and every matrix layer's integer products equal a direct
// integer computation written here without im2col (window sums for convolutions, including
// groups, strides, dilation and padding; per-position sums for sequences; each recurrent step).
// Skipped, with a warning, where torch or torchvision is missing. The largest networks are
// hidden tests ([.heavy]):  build/tests/cimsim_tests "[heavy]"

#include <catch2/catch.hpp>

#include "onnx_ideal_chip.hpp"
#include "onnx_zoo.hpp"
#include "sim/functional/reference.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

void check_float(const std::string& name) {
  const auto z = test::torch_export(name);
  if (!z) return;
  for (int opset : {13, 17}) {
    INFO(name << " at opset " << opset);
    const workload::Network net = workload::load_onnx(z->onnx(opset));
    const Eigen::MatrixXf ours = functional::float_logits(net, z->inputs);
    REQUIRE(ours.rows() == z->outputs.rows());
    REQUIRE(ours.cols() == z->outputs.cols());
    const double err = test::relative_error(ours, z->outputs);
    INFO("largest difference relative to the largest output: " << err);
    CHECK(err < 1e-4);
  }
}

// One sample's integer products of matrix layer `l` (outputs × vectors) from the codes of its
// input tensor, summed directly over each window or position.
Eigen::MatrixXd direct_products(const workload::Layer& l, const workload::QuantLayer& q, const Eigen::VectorXi& codes) {
  const workload::Spatial in = l.op == workload::Op::Conv ? workload::spatial_of(l.in_shape) : workload::Spatial{};
  if (l.op != workload::Op::Conv) {
    const Eigen::Index n_in = q.w.cols(), vectors = codes.size() / n_in;
    Eigen::MatrixXd acc(q.w.rows(), vectors);
    for (Eigen::Index v = 0; v < vectors; ++v)
      for (Eigen::Index o = 0; o < q.w.rows(); ++o) {
        std::int64_t sum = 0;
        for (Eigen::Index i = 0; i < n_in; ++i) sum += std::int64_t{q.w(o, i)} * codes(v * n_in + i);
        acc(o, v) = static_cast<double>(sum);
      }
    return acc;
  }
  const workload::Spatial out = workload::spatial_of(l.out_shape);
  const auto& w = l.window;
  const std::int64_t outs = q.w.rows(), per_group = in.c / l.groups, outs_per_group = outs / l.groups;
  const std::int32_t pad_code = workload::quantize_input(0.0f, q);  // a padded 0, quantized
  Eigen::MatrixXd acc(outs, out.h * out.w);
  for (std::int64_t o = 0; o < outs; ++o) {
    const std::int64_t first = (o / outs_per_group) * per_group;
    for (std::int64_t oy = 0; oy < out.h; ++oy)
      for (std::int64_t ox = 0; ox < out.w; ++ox) {
        std::int64_t sum = 0;
        for (std::int64_t c = first; c < first + per_group; ++c)
          for (int ky = 0; ky < w.kernel_h; ++ky)
            for (int kx = 0; kx < w.kernel_w; ++kx) {
              const std::int64_t y = oy * w.stride_h - w.pad_top + ky * w.dilation_h;
              const std::int64_t x = ox * w.stride_w - w.pad_left + kx * w.dilation_w;
              const bool inside = y >= 0 && y < in.h && x >= 0 && x < in.w;
              const std::int64_t code = inside ? codes((c * in.h + y) * in.w + x) : pad_code;
              sum += std::int64_t{q.w(o, (c * w.kernel_h + ky) * w.kernel_w + kx)} * code;
            }
        acc(o, oy * out.w + ox) = static_cast<double>(sum);
      }
  }
  return acc;
}

void check_quantized(const std::string& name) {
  const auto z = test::torch_export(name);
  if (!z) return;
  const workload::Network net = workload::load_onnx(z->onnx(17));
  workload::Dataset calibration;
  calibration.inputs = z->inputs;
  const config::Config cfg = test::config_with("");
  const workload::QuantizedNetwork qnet = workload::quantize(net, calibration, cfg.section("quantization"));
  const test::IdealChip chip(qnet);
  for (Eigen::Index s = 0; s < z->inputs.cols(); ++s) {
    std::map<int, std::pair<Eigen::MatrixXf, Eigen::MatrixXd>> seen;
    const Eigen::MatrixXf on_chip = chip.logits(qnet, z->inputs.col(s), s, [&](int li, const Eigen::MatrixXf& in, const Eigen::MatrixXd& acc) {
      seen[li] = {in, acc};
    });
    functional::ExactBackend exact;
    const Eigen::MatrixXf reference = functional::quantized_logits(qnet, z->inputs.col(s), s, exact);
    INFO(name << " sample " << s);
    CHECK((on_chip - reference).cwiseAbs().maxCoeff() == 0.0f);
    CHECK(seen.size() == qnet.layers.size());
    for (const auto& [li, io] : seen) {
      const workload::QuantLayer& q = qnet.of(li);
      const workload::Layer& l = net.layers[static_cast<std::size_t>(li)];
      INFO("layer " << l.name);
      const Eigen::MatrixXi codes = functional::input_codes(q, io.first);
      const Eigen::MatrixXd direct = direct_products(l, q, codes.col(0));
      REQUIRE(direct.rows() == io.second.rows());
      REQUIRE(direct.cols() == io.second.cols());
      CHECK((direct - io.second).cwiseAbs().maxCoeff() == 0.0);
    }
  }
}

}  // namespace

// Hidden ([.heavy]) where a check needs more than about ten seconds or half a gigabyte: grouped
// and depthwise convolutions are block-diagonal matrices here, which EfficientNet's wide
// depthwise layers make large.
#define ZOO_TEST(name, float_tags, chip_tags)                                                      \
  TEST_CASE("onnx zoo: " name " equals PyTorch", "[onnx][zoo]" float_tags) { check_float(name); } \
  TEST_CASE("onnx zoo: " name " on an ideal chip equals integer arithmetic", "[onnx][zoo]" chip_tags) { check_quantized(name); }

ZOO_TEST("lenet_idioms", "", "")
ZOO_TEST("upsampling", "", "")
ZOO_TEST("resnet18", "", "[.heavy]")
ZOO_TEST("mobilenet_v2", "", "[.heavy]")
ZOO_TEST("mobilenet_v3_small", "", "")
ZOO_TEST("efficientnet_b0", "[.heavy]", "[.heavy]")
ZOO_TEST("squeezenet1_0", "", "")
ZOO_TEST("shufflenet_v2_x0_5", "", "")
ZOO_TEST("densenet121", "[.heavy]", "[.heavy]")
ZOO_TEST("convnext_tiny", "[.heavy]", "[.heavy]")
ZOO_TEST("vit_small", "", "")
ZOO_TEST("swin_small", "", "")
ZOO_TEST("maxvit_small", "", "")
ZOO_TEST("transformer_encoder", "", "")
ZOO_TEST("lstm", "", "")
ZOO_TEST("bilstm", "", "")
ZOO_TEST("gru", "", "")
