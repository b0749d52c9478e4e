// Layer-list networks: the shipped shape-only workloads have the shapes and MAC counts of their
// published architectures, and every mistake in a layer list is an error naming the layer, its
// line and the key.

#include <catch2/catch.hpp>

#include "sim/config/error.hpp"
#include "sim/util/npy.hpp"
#include "sim/workload/layer_list.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

config::ConfigError error_of(const test::TempDir& dir, const std::string& layers) {
  const std::string path = dir.file("net.yaml", "name: t\ninput_shape: [3, 8, 8]\nlayers:\n" + layers);
  try {
    workload::load_layer_list(path);
  } catch (const config::ConfigError& e) {
    return e;
  }
  FAIL("expected an error");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("layer list: shape-only workloads have their architectures' MACs", "[layer_list]") {
  const auto r18 = workload::load_layer_list(test::source_dir() + "/traces/resnet18_imagenet/network.yaml");
  // ResNet-18 on 224x224 inputs: 1.814 GMAC (He et al., CVPR 2016; the figure peers.md quotes).
  CHECK(r18.macs_per_sample() == 1814073344);
  CHECK(r18.layers.back().out_shape == workload::Shape{1000});
  CHECK(r18.matrix_layers().size() == 21);  // 17 convolutions, 3 downsampling shortcuts, 1 dense
  const auto cifar = workload::load_layer_list(test::source_dir() + "/traces/resnet18_cifar10/network.yaml");
  CHECK(cifar.macs_per_sample() == 555422720);
  const auto vgg = workload::load_layer_list(test::source_dir() + "/traces/vgg8_cifar10/network.yaml");
  // 3x3 convolutions 3-128-128-M-256-256-M-512-512-M, dense 8192-1024-10, on 32x32 inputs.
  const std::int64_t convs = 32LL * 32 * 9 * (3 * 128 + 128 * 128) + 16LL * 16 * 9 * (128 * 256 + 256 * 256) +
                             8LL * 8 * 9 * (256 * 512 + 512 * 512);
  CHECK(vgg.macs_per_sample() == convs + 8192LL * 1024 + 1024 * 10);
  // Seeded weights: the same file gives the same network.
  const auto again = workload::load_layer_list(test::source_dir() + "/traces/vgg8_cifar10/network.yaml");
  CHECK(again.layers[0].weight == vgg.layers[0].weight);
  // Kaiming normal: std sqrt(2 / fan_in) = sqrt(2/27) for the first layer; 3456 weights put the
  // sample std within 5 % of it (5 standard errors of sqrt(1/(2·3456)) ≈ 1.2 % each).
  const auto& w = vgg.layers[0].weight;
  const double std_dev = std::sqrt(w.array().square().mean());
  CHECK(std_dev == Approx(std::sqrt(2.0 / 27)).epsilon(0.06));
}

TEST_CASE("layer list: conv, pooling and residual layers load from files", "[layer_list]") {
  test::TempDir dir;
  npy::save_f32(dir.path() + "/c.npy", {4, 3, 3, 3}, std::vector<float>(4 * 27, 0.5f));
  npy::save_f32(dir.path() + "/d.npy", {4, 4}, std::vector<float>(16, 1.0f));
  const std::string path = dir.file("net.yaml",
                                    "name: t\ninput_shape: [3, 8, 8]\nlayers:\n"
                                    "  - {name: c1, type: conv, weights: c.npy, padding: 1, activation: relu}\n"
                                    "  - {name: c2, type: conv, weights: d.npy, init: {seed: 1}}\n");
  // Both weights and init: the error names the layer's init key.
  try {
    workload::load_layer_list(path);
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(e.key() == "layers[1].init");
    CHECK(e.where().line == 5);
  }
  const std::string ok = dir.file("ok.yaml",
                                  "name: t\ninput_shape: [3, 8, 8]\nlayers:\n"
                                  "  - {name: c1, type: conv, weights: c.npy, padding: 1, activation: relu}\n"
                                  "  - {name: p1, type: maxpool, kernel: 2}\n"
                                  "  - {name: c2, type: conv, out_channels: 4, kernel: 3, padding: 1, init: {seed: 2}}\n"
                                  "  - {name: sum, type: add, input: [c2, p1], activation: relu}\n"
                                  "  - {name: g, type: global_avgpool}\n"
                                  "  - {name: fc, type: dense, weights: d.npy}\n");
  const auto net = workload::load_layer_list(ok);
  REQUIRE(net.layers.size() == 6);
  CHECK(net.layers[1].out_shape == workload::Shape{4, 4, 4});
  CHECK(net.layers[3].inputs == std::vector<int>{2, 1});
  CHECK(net.layers[5].out_shape == workload::Shape{4});
  CHECK(net.macs_per_sample() == 4 * 27 * 64 + 4 * 36 * 16 + 16);
}

TEST_CASE("layer list: mistakes name the layer, its line and the key", "[layer_list][errors]") {
  test::TempDir dir;
  SECTION("unknown layer type") {
    const auto e = error_of(dir, "  - {name: a, type: convolution, out_channels: 4, kernel: 3, init: {seed: 1}}\n");
    CHECK(e.key() == "layers[0].type");
    CHECK(e.where().line == 4);
    CHECK_THAT(std::string(e.what()), Catch::Contains("did you mean 'conv'"));
  }
  SECTION("unknown input") {
    const auto e = error_of(dir, "  - {name: a, type: maxpool, kernel: 2}\n  - {name: b, type: add, input: [a, c]}\n");
    CHECK(e.key() == "layers[1].input");
    CHECK(e.where().line == 5);
    CHECK_THAT(std::string(e.what()), Catch::Contains("no earlier layer named 'c'"));
  }
  SECTION("residual add of different shapes") {
    const auto e = error_of(dir, "  - {name: a, type: maxpool, kernel: 2}\n  - {name: b, type: add, input: [a, input]}\n");
    CHECK_THAT(std::string(e.what()), Catch::Contains("layer 'b' (add)"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("different shapes"));
    CHECK(e.where().line == 5);
  }
  SECTION("a key the layer type does not take") {
    const auto e = error_of(dir, "  - {name: a, type: maxpool, kernel: 2, groups: 2}\n");
    CHECK(e.key() == "layers[0].groups");
    CHECK_THAT(std::string(e.what()), Catch::Contains("unknown key for a maxpool layer"));
  }
  SECTION("groups that do not divide the channels") {
    const auto e = error_of(dir, "  - {name: a, type: conv, out_channels: 4, kernel: 3, groups: 2, init: {seed: 1}}\n");
    CHECK(e.key() == "layers[0].groups");
    CHECK_THAT(std::string(e.what()), Catch::Contains("must divide 3 input"));
  }
  SECTION("a window larger than its input") {
    const auto e = error_of(dir, "  - {name: a, type: maxpool, kernel: 12}\n");
    CHECK_THAT(std::string(e.what()), Catch::Contains("window larger"));
  }
}

TEST_CASE("layer list: errors exit with status 2 from the command line", "[layer_list][errors][cli]") {
  test::TempDir dir;
  dir.file("net.yaml", "name: t\ninput_shape: [3, 8, 8]\nlayers:\n  - {name: a, type: pool}\n");
  const std::string cfg = dir.file("c.yaml", "workload: {network: net.yaml, synthetic_samples: 1}\n");
  const auto r = test::run_cimsim({"run", cfg, "--quiet"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("net.yaml:4"));
  CHECK_THAT(r.err, Catch::Contains("layers[0].type"));
}

TEST_CASE("data sets: channels-last samples for a channels-first network are refused with the fix",
          "[layer_list][errors][cli]") {
  test::TempDir dir;
  dir.file("net.yaml",
           "name: rgb\ninput_shape: [3, 4, 5]\nlayers:\n"
           "  - {name: c1, type: conv, init: {seed: 1}, out_channels: 2, kernel: 3, padding: 1}\n"
           "  - {name: gap, type: global_avgpool}\n");
  npy::save_f32(dir.path() + "/hwc.npy", {2, 4, 5, 3}, std::vector<float>(2 * 60, 0.5f));
  npy::save_f32(dir.path() + "/chw.npy", {2, 3, 4, 5}, std::vector<float>(2 * 60, 0.5f));
  npy::save_f32(dir.path() + "/flat.npy", {2, 60}, std::vector<float>(2 * 60, 0.5f));
  auto run = [&](const std::string& inputs) {
    return test::run_cimsim({"run", dir.file("run.yaml", "workload: {network: net.yaml, inputs: " + inputs +
                                                             "}\nrun: {output_dir: " + dir.path() + "/out}\n"),
                             "--quiet"});
  };
  const auto hwc = run("hwc.npy");
  CHECK(hwc.status == 2);
  CHECK_THAT(hwc.err, Catch::Contains("hwc.npy") && Catch::Contains("[4, 5, 3]") && Catch::Contains("[3, 4, 5]") &&
                          Catch::Contains("channels-last") && Catch::Contains("transpose(0, 3, 1, 2)"));
  CHECK(run("chw.npy").status == 0);
  CHECK(run("flat.npy").status == 0);  // flat vectors are taken in C order
}
