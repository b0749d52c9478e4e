// Same config and seed: report.json is bit-identical whatever the batch size and the thread count,
// on every shipped config. Batches cut the data set, chunks cut a layer's vectors and threads
// share the work; none of them may change a single bit of the result.

#include <catch2/catch.hpp>

#include <filesystem>

#include "sim/config/loader.hpp"
#include "sim/functional/reference.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;
namespace fs = std::filesystem;

namespace {

std::string report_of(const std::string& path, std::vector<std::string> sets, int batch, int threads) {
  config::LoadOptions opt;
  opt.sets = std::move(sets);
  opt.sets.push_back("run.batch_size=" + std::to_string(batch));
  opt.sets.push_back("run.threads=" + std::to_string(threads));
  opt.sets.push_back("run.progress=never");
  return report::build_json(*run::simulate(config::load_config(path, opt))).dump(1);
}

// Runs `path` at every (batch, threads) and requires every report to equal the first.
void require_invariant(const std::string& path, const std::vector<std::string>& sets,
                       const std::vector<std::pair<int, int>>& runs) {
  INFO(path);
  const std::string first = report_of(path, sets, runs.front().first, runs.front().second);
  for (std::size_t i = 1; i < runs.size(); ++i) {
    INFO("batch " << runs[i].first << ", threads " << runs[i].second);
    CHECK(report_of(path, sets, runs[i].first, runs[i].second) == first);
  }
}

// Shipped configs with a workload under configs/`folder` (not recursive), sorted.
std::vector<std::string> configs_in(const std::string& folder) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(test::source_dir() + "/configs/" + folder)) {
    if (e.path().extension() != ".yaml") continue;
    if (config::read_with_includes(e.path().string()).find("workload")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<std::pair<int, int>> kEveryBatch = {{64, 2}, {64, 1}, {1, 2}, {7, 2}, {256, 1}};

}  // namespace

TEST_CASE("batch invariance: the digits configs give one report at batch 1, 7, 64, 256 and 1 or 2 threads",
          "[determinism]") {
  const auto configs = configs_in("");
  REQUIRE(configs.size() >= 3);
  for (const auto& path : configs) require_invariant(path, {"workload.samples=40"}, kEveryBatch);
}

TEST_CASE("batch invariance: the chip and golden configs give one report at any batch size and thread count",
          "[determinism]") {
  const auto chips = configs_in("chips"), golden = configs_in("golden");
  REQUIRE(chips.size() + golden.size() >= 4);
  // 300 samples on 2 chips: the MNIST validation config runs 2,000 digits on 8 chips, minutes at batch 1.
  for (const auto& path : chips) require_invariant(path, {"workload.samples=300", "run.chip_instances=2"}, kEveryBatch);
  for (const auto& path : golden) require_invariant(path, {}, kEveryBatch);
}

TEST_CASE("batch invariance: read noise, drift, calibration and several chips do not see the batches",
          "[determinism]") {
  // PCM drawn again on every read, a day of drift compensated per column, calibrated 6-bit ADCs:
  // every random draw and every data-dependent reduction in play.
  require_invariant(test::source_dir() + "/configs/digits_cnn.yaml",
                    {"workload.samples=30", "cell={preset: pcm_ibm}", "run.t_inference_s=86400",
                     "run.chip_instances=2", "adc.bits=6", "drift_compensation.mode=per_column"},
                    kEveryBatch);
}

TEST_CASE("batch invariance: the shape-only workloads give one report per sample or per batch", "[determinism]") {
  const auto configs = configs_in("workloads");
  REQUIRE(configs.size() >= 3);
  // Two samples in one batch on two threads, or one by one on one thread.
  for (const auto& path : configs) require_invariant(path, {"workload.synthetic_samples=2"}, {{2, 2}, {1, 1}});
}

TEST_CASE("batch invariance: arrays programmed again under a memory budget give the same report", "[determinism]") {
  // With run.array_memory_mib tiny, almost every row block is dropped after programming and drawn
  // again for each batch that reads it, in the calibration pass, the drift reference and the test.
  const std::string cnn = test::source_dir() + "/configs/digits_cnn.yaml";
  const std::vector<std::string> noisy = {"workload.samples=30", "cell={preset: pcm_ibm}", "run.t_inference_s=86400",
                                          "run.chip_instances=2", "adc.bits=6", "drift_compensation.mode=per_column"};
  std::vector<std::string> budget = noisy;
  budget.push_back("run.array_memory_mib=0.01");
  const std::string kept = report_of(cnn, noisy, 64, 2);
  CHECK(report_of(cnn, budget, 64, 2) == kept);
  CHECK(report_of(cnn, budget, 7, 1) == kept);
}

TEST_CASE("batch invariance: layers run a group of samples at a time give the same report", "[determinism]") {
  // functional::layer_group_bytes() set to one byte: every matrix layer of the noisy,
  // drift-compensated, calibrated run takes its samples one at a time, as a layer whose lowered
  // inputs are large does (VGG-16's first convolutions), and its outputs are freed once read.
  const std::string cnn = test::source_dir() + "/configs/digits_cnn.yaml";
  const std::vector<std::string> noisy = {"workload.samples=30", "cell={preset: pcm_ibm}", "run.t_inference_s=86400",
                                          "run.chip_instances=2", "adc.bits=6", "drift_compensation.mode=per_column"};
  const std::string whole = report_of(cnn, noisy, 64, 2);
  const std::int64_t saved = functional::layer_group_bytes();
  functional::layer_group_bytes() = 1;
  const std::string grouped = report_of(cnn, noisy, 64, 2);
  functional::layer_group_bytes() = saved;
  CHECK(grouped == whole);
}
