// The two engines agree: for every shipped config, the timing engine's action counts equal the
// functional engine's.

#include <catch2/catch.hpp>

#include <filesystem>

#include "sim/config/loader.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;
namespace fs = std::filesystem;

namespace {

// Full configs (those with a workload) under configs/.
std::vector<std::string> shipped_configs() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(test::source_dir() + "/configs")) {
    if (e.path().extension() != ".yaml") continue;
    const config::Node root = config::read_with_includes(e.path().string());
    if (root.find("workload")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("contract: timing and functional action counts agree on every shipped config", "[contract]") {
  const auto configs = shipped_configs();
  REQUIRE(configs.size() >= 2);
  for (const auto& path : configs) {
    INFO(path);
    config::LoadOptions opt;
    opt.sets = {"workload.samples=24", "run.chip_instances=1", "run.timing_inferences=2", "run.mode=full"};
    const auto s = run::simulate(config::load_config(path, opt));
    const functional::Activity mean = s->eval.mean_activity();
    REQUIRE(mean.layers.size() == s->timing.layers.size());
    for (std::size_t l = 0; l < mean.layers.size(); ++l) {
      INFO("layer " << s->timing.layers[l].name);
      functional::ActionCounts per_run;  // functional counts per inference × inferences timed
      for (int i = 0; i < s->timing.inferences; ++i) per_run += mean.layers[l];
      const auto& t = s->timing.layers[l].counts;
      CHECK(t.array_reads == per_run.array_reads);
      CHECK(t.dac_drives == per_run.dac_drives);
      CHECK(t.conversions == per_run.conversions);
      CHECK(t.sample_holds == per_run.sample_holds);
      CHECK(t.shift_adds == per_run.shift_adds);
      CHECK(t.digital_adds == per_run.digital_adds);
      CHECK(t.digital_mults == per_run.digital_mults);
      CHECK(t.digital_compares == per_run.digital_compares);
      // Every layer does something: matrix layers read arrays, digital layers compute.
      if (s->chip.is_matrix(l)) CHECK(t.array_reads > 0);
      else CHECK(t.digital_adds + t.digital_compares + t.digital_mults > 0);
    }
  }
}

TEST_CASE("contract: counts agree across encodings, readouts and row groups", "[contract]") {
  for (const char* extra : {"mapping: {encoding: offset, gmin_removal: reference_column}\n",
                            "mapping: {encoding: differential, differential_readout: digital}\n"
                            "cell: {model: ideal, g_min_us: 2}\n",
                            "array: {rows: 48, rows_per_read: 20}\ndac: {bits: 3}\n"}) {
    INFO(extra);
    const auto s = run::simulate(test::config_with(std::string(extra) + "workload: {samples: 8}\nchip: {tiles: 64}\n"));
    const auto mean = s->eval.mean_activity();
    for (std::size_t l = 0; l < mean.layers.size(); ++l) CHECK(s->timing.layers[l].counts.same_counts(mean.layers[l]));
  }
}
