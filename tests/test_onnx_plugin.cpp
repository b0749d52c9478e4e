// Operator plug-ins: the template (plugins/operator_template, ONNX's Softsign) builds as a
// library of its own; without it a model using Softsign is refused, naming the node; with it the
// model loads, computes x/(1 + |x|), runs through the CLI with the operator's work counted, and a
// second library offering the same operator is refused.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "onnx_builder.hpp"
#include "sim/functional/reference.hpp"
#include "sim/plugins/loader.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "support.hpp"

using namespace cimsim;
namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// x [batch, 8] -> Gemm (4) -> Softsign -> Gemm (3) -> y.
std::string softsign_model(const std::string& dir) {
  test::OnnxBuilder b;
  b.input("x", {8}).output("y");
  b.init("w1", {4, 8}, test::ramp(32, 2.0f)).init("b1", {4}, {0.5f, -0.25f, 0.0f, 1.0f});
  b.init("w2", {3, 4}, test::ramp(12));
  test::OnnxBuilder::attr(b.node("Gemm", {"x", "w1", "b1"}, {"h"}, "fc1"), "transB", std::int64_t{1});
  b.node("Softsign", {"h"}, {"s"}, "soft");
  test::OnnxBuilder::attr(b.node("Gemm", {"s", "w2"}, {"y"}, "fc2"), "transB", std::int64_t{1});
  return b.save(dir, "softsign.onnx");
}

}  // namespace

TEST_CASE("onnx plugins: the operator template builds, loads and computes its operator", "[onnx][plugins]") {
  test::TempDir dir;
  const std::string build = dir.path() + "/build", log = dir.path() + "/build.log";
  const std::string command = std::string(CIMSIM_CMAKE_COMMAND) + " -S " +
                              quoted(test::source_dir() + "/plugins/operator_template") + " -B " + quoted(build) +
                              " -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=" + quoted(CIMSIM_CXX_COMPILER) +
                              " -DCIMSIM_ROOT=" + quoted(test::source_dir()) + " -DCIMSIM_LIBRARY=" +
                              quoted(CIMSIM_LIBRARY_FILE) + " && " + CIMSIM_CMAKE_COMMAND + " --build " + quoted(build);
  const int status = std::system((command + " > " + quoted(log) + " 2>&1").c_str());
  INFO(slurp(log));
  REQUIRE(status == 0);
  const std::string library = build + "/libcimsim_template_operator.so";
  REQUIRE(fs::exists(library));
  const std::string model = softsign_model(dir.path());

  // Without the plug-in: refused, naming the node.
  const std::string bare = dir.file("bare.yaml", "workload: {network: softsign.onnx, synthetic_samples: 4}\nrun: {output_dir: " +
                                                    dir.path() + "/bare}\n");
  const auto refused = test::run_cimsim({"run", bare, "--quiet"});
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("node 'soft' (Softsign)"));
  CHECK_FALSE(fs::exists(dir.path() + "/bare/report.json"));

  // With it, from a config: the run counts the operator's work (3 adds, 5 mults and a compare for
  // each of its 4 elements).
  const std::string plugged = dir.file("plugged.yaml", "plugins: [build/libcimsim_template_operator.so]\n"
                                                       "workload: {network: softsign.onnx, synthetic_samples: 4}\n"
                                                       "run: {output_dir: " + dir.path() + "/out}\n");
  const auto run = test::run_cimsim({"run", plugged, "--quiet"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  const std::string report = slurp(dir.path() + "/out/report.json");
  CHECK_THAT(report, Catch::Contains("\"softsign\""));
  CHECK_THAT(slurp(dir.path() + "/out/layers.csv"), Catch::Contains("soft,softsign"));

  // In this process: the operator computes x / (1 + |x|) between the two dense layers.
  plugins::load_plugin(library, config::Location{"<test>", 0, 0});
  const workload::Network net = workload::load_onnx(model);
  REQUIRE(net.layers.size() == 3);
  CHECK(net.layers[1].op_type == "Softsign");
  const Eigen::MatrixXf x = Eigen::MatrixXf::Random(8, 5);
  Eigen::MatrixXf h = (net.layers[0].weight * x).colwise() + net.layers[0].bias;
  h = h.unaryExpr([](float v) { return v / (1.0f + std::fabs(v)); });
  const Eigen::MatrixXf expected = (net.layers[2].weight * h).colwise() + net.layers[2].bias;
  CHECK((functional::float_logits(net, x) - expected).cwiseAbs().maxCoeff() < 1e-6f);

  // A second library with the same operator is refused.
  const std::string copy = dir.path() + "/libclash.so";
  fs::copy_file(library, copy);
  const std::string clash = dir.file("clash.yaml", "plugins: [" + library + ", " + copy + "]\n"
                                                   "workload: {network: softsign.onnx, synthetic_samples: 4}\n"
                                                   "run: {output_dir: " + dir.path() + "/clash}\n");
  const auto twice = test::run_cimsim({"run", clash, "--quiet"});
  CHECK(twice.status == 2);
  CHECK_THAT(twice.err, Catch::Contains("libclash.so") && Catch::Contains("operator 'Softsign'") &&
                            Catch::Contains("already registered"));
}
