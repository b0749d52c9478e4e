// Programming speed of the cell models: devices per second for one 256x256 array, per preset,
// against a roofline measured in the same run, one standard normal drawn per device from the
// counter-based streams (the least any model with a programming error must do).
//
//   build/bench/bench_cell_program        (Release build)

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "sim/config/loader.hpp"
#include "sim/util/allocator.hpp"
#include "sim/util/rng.hpp"
#include "sim/util/seconds_since.hpp"

using namespace cimsim;

namespace {

double seconds_per_call(const std::function<void()>& fn, int repeats) {
  fn();  // warm up
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) fn();
  return util::seconds_since(start) / repeats;
}

}  // namespace

int main() {
  cimsim::util::keep_freed_memory();
  const Eigen::Index n = 256;
  const int repeats = 20;
  const double devices = static_cast<double>(n * n);
  std::vector<float> sink(static_cast<std::size_t>(n * n));
  const rng::Stream stream(1, rng::Purpose::Programming, {0, 0, 0});
  const double roofline = seconds_per_call([&] { stream.normals_fast(0, sink.size(), sink.data()); }, repeats);
  std::printf("roofline: one normal per device   %8.1f Mdevices/s\n", devices / roofline * 1e-6);

  const std::string workload = std::string("workload: {network: ") + CIMSIM_SOURCE_DIR +
                               "/traces/digits_mlp/network.yaml, inputs: " + CIMSIM_SOURCE_DIR +
                               "/traces/digits_mlp/test_inputs.npy}\n";
  for (const std::string preset : {"pcm_ibm", "pcm_hermes", "rram_hfo2", "rram_neurram", "rram_hfox", "stt_mram"}) {
    const auto cfg = config::load_config_text(workload + "cell: {preset: " + preset + "}\n", "<bench>");
    const auto cell = models::CellRegistry::instance().create(cfg.section("cell"));
    const Eigen::MatrixXf target =
        (Eigen::MatrixXf::Random(n, n).array().abs() * static_cast<float>(cell->g_max_us() - cell->g_min_us()) +
         static_cast<float>(cell->g_min_us())).matrix();
    models::ArrayKey key{1, 0, 0, 0};
    const double t = seconds_per_call([&] { cell->program(target, key, 86400); }, repeats);
    std::printf("%-14s %8.1f Mdevices/s   %5.2f x roofline time\n", preset.c_str(), devices / t * 1e-6, t / roofline);
  }
  return 0;
}
