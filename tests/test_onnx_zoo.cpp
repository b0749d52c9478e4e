// Networks people bring, exported at test time by Debian's PyTorch and torchvision at opsets 13
// and 17 with a dynamic batch (scripts/export_torch_models.py): each imports, and its float
// outputs on seeded random inputs equal PyTorch's to float tolerance. Skipped, with a warning,
// where torch or torchvision is missing. The largest networks are hidden tests ([.heavy]):
//   build/tests/cimsim_tests "[heavy]"

#include <catch2/catch.hpp>

#include "onnx_zoo.hpp"
#include "sim/functional/reference.hpp"
#include "sim/workload/onnx_loader.hpp"

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

}  // namespace

#define ZOO_TEST(name, tags) \
  TEST_CASE("onnx zoo: " name " equals PyTorch", "[onnx][zoo]" tags) { check_float(name); }

ZOO_TEST("lenet_idioms", "")
ZOO_TEST("resnet18", "")
ZOO_TEST("mobilenet_v2", "")
ZOO_TEST("mobilenet_v3_small", "")
ZOO_TEST("efficientnet_b0", "")
ZOO_TEST("squeezenet1_0", "")
ZOO_TEST("shufflenet_v2_x0_5", "")
ZOO_TEST("densenet121", "[.heavy]")
ZOO_TEST("convnext_tiny", "[.heavy]")
ZOO_TEST("vit_small", "")
ZOO_TEST("transformer_encoder", "")
ZOO_TEST("lstm", "")
ZOO_TEST("bilstm", "")
ZOO_TEST("gru", "")
