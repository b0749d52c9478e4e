// Functional-engine speed: simulated bit-sliced MACs per second, seconds per image and peak memory,
// against Eigen GEMM rooflines measured in the same run.
//
//   build/bench/bench_functional [network.yaml|.onnx] [images] [threads] [cell preset/model YAML] [batch]
//
// Defaults (an empty argument takes its default; arguments that are not numbers in range, or a
// network or cell YAML that does not load, exit with status 2): traces/resnet18_cifar10 (shape only), 4 images in
// batches of 1, all cores; 8-bit weights and activations, 1-bit DACs, 2-bit cells, differential
// pairs, 8-bit ADCs with `max` full scale, Gaussian programming error and 2 % per-read noise on
// every device.
//
// Simulated bit-sliced MACs: every cell of every used column times every read of every input
// vector (rows × columns × input slices × row groups × vectors), what the chip does.
// Two rooflines, both measured in this run with single-precision Eigen GEMMs, one per thread;
// ratio = roofline time / simulation time:
//   sliced work: the simulated bit-sliced MACs at the rate of a GEMM shaped like the arrays' reads
//     (4096 slice-vectors × 128 rows × 512 columns);
//   necessary work: only the multiply-adds no functional model of the chip can avoid, one per row,
//     ADC input and input slice of every vector (a differential pair read as one analog difference
//     is one ADC input), at the rate of a GEMM large enough for Eigen's peak (2048 × 1024 × 1024).
// Read noise, I–V non-linearity and conversion are work on top of either.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "models/periphery/dac.hpp"
#include "sim/config/loader.hpp"
#include "sim/functional/crossbar.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/util/allocator.hpp"
#include "sim/util/parallel.hpp"
#include "sim/util/seconds_since.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/load_network.hpp"
#include "sim/workload/quantize.hpp"

using namespace cimsim;

namespace {

double peak_rss_gib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

// Single-precision GEMM throughput, in MAC/s, of `threads` independent m×k by k×n products running
// at once.
double gemm_macs_per_second(int threads, Eigen::Index m, Eigen::Index k, Eigen::Index n) {
  std::vector<double> rates(static_cast<std::size_t>(threads));
  util::parallel_for(static_cast<std::size_t>(threads), threads, [&](std::size_t t) {
    const Eigen::MatrixXf a = Eigen::MatrixXf::Random(m, k), b = Eigen::MatrixXf::Random(k, n);
    Eigen::MatrixXf c(m, n);
    c.noalias() = a * b;  // warm up
    int reps = 0;
    const auto start = std::chrono::steady_clock::now();
    while (util::seconds_since(start) < 1.0) {
      c.noalias() = a * b;
      ++reps;
    }
    rates[t] = static_cast<double>(m * k * n) * reps / util::seconds_since(start) + 0 * c(0, 0);
  });
  double total = 0;
  for (double r : rates) total += r;
  return total;
}

}  // namespace

int bench(int argc, char** argv) {
  cimsim::util::keep_freed_memory();
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const std::string network =
      argc > 1 && *argv[1] ? argv[1] : std::string(CIMSIM_SOURCE_DIR) + "/traces/resnet18_cifar10/network.yaml";
  // Argument i as a whole number in [lo, hi], `fallback` when absent or empty; -1 when it is not one.
  const auto whole = [&](int i, long fallback, long lo, long hi) {
    if (argc <= i || !*argv[i]) return fallback;
    char* end = nullptr;
    const long v = std::strtol(argv[i], &end, 10);
    return *end == '\0' && v >= lo && v <= hi ? v : -1L;
  };
  const long images_arg = whole(2, 4, 1, 1000000), threads_arg = whole(3, 0, 0, 1024), batch_arg = whole(5, 1, 1, 1000000);
  if (argc > 6 || images_arg < 0 || threads_arg < 0 || batch_arg < 0) {
    std::fprintf(stderr,
                 "bench_functional: expected [network.yaml|.onnx] [images, 1 to 1e6] [threads, 0 to 1024] [cell YAML] "
                 "[batch, 1 to 1e6]\n");
    return 2;
  }
  const int images = static_cast<int>(images_arg);
  const int threads = util::resolve_threads(static_cast<int>(threads_arg));
  const std::string cell_yaml = argc > 4 && *argv[4] ? argv[4] : "{model: gaussian, sigma_us: 0.5, read_noise_relative: 0.02}";
  const int batch = static_cast<int>(batch_arg);

  const std::string yaml = "workload: {network: " + network + ", synthetic_samples: " + std::to_string(images) + "}\n" +
                           "quantization: {weight_bits: 8, activation_bits: 8}\n"
                           "mapping: {bits_per_cell: 2, encoding: differential, differential_readout: analog}\n"
                           "dac: {bits: 1}\nadc: {bits: 8, full_scale: max}\nchip: {tiles: 1000000}\n"
                           "cell: " + cell_yaml + "\n";
  const config::Config cfg = config::load_config_text(yaml, "<benchmark>");

  auto t = std::chrono::steady_clock::now();
  const workload::Network net = workload::load_network(network);
  const workload::Dataset data = workload::synthetic_dataset(net.input_shape, images, 1);
  const workload::QuantizedNetwork qnet = workload::quantize(net, data, cfg.section("quantization"));
  const auto cell = models::CellRegistry::instance().create(cfg.section("cell"));
  const auto adc = models::AdcRegistry::instance().create(cfg.section("adc"));
  const mapping::ChipMap chip = mapping::map_network(qnet, mapping::Architecture::from(cfg), 1, cell->max_bits_per_cell());
  const double load_s = util::seconds_since(t);

  t = std::chrono::steady_clock::now();
  const functional::ProgrammedChip programmed = functional::ProgrammedChip::program(chip, *cell, 1, 0, 1.0, threads);
  const double program_s = util::seconds_since(t);

  // MACs per image: what the chip does (the sliced work), and what no model can skip.
  double sliced = 0, necessary = 0;
  for (const auto& a : chip.arrays) {
    const auto& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
    const double reads = static_cast<double>(lm.input_slices.size()) * static_cast<double>(lm.vectors_per_sample);
    sliced += static_cast<double>(a.rows) * a.columns * a.sub_reads(chip.arch) * reads;
    necessary += static_cast<double>(a.rows) * static_cast<double>(a.readouts.size()) * reads;
  }

  const functional::FullScalePlan plan(chip, adc->common(), programmed.g_min_norm, programmed.current_unit_ua(chip));
  // Fixed batches of images (run.batch_size), threads split as the evaluator splits them.
  const int batches = (images + batch - 1) / batch;
  const util::ThreadSplit split = util::split_threads(static_cast<std::size_t>(batches), threads);
  t = std::chrono::steady_clock::now();
  util::parallel_for(static_cast<std::size_t>(batches), split.batch_threads, [&](std::size_t b) {
    functional::CrossbarBackend backend(chip, programmed, *adc, plan, nullptr, split.inner_threads);
    const auto first = static_cast<Eigen::Index>(b) * batch;
    const Eigen::Index len = std::min<Eigen::Index>(batch, images - first);
    functional::quantized_logits(qnet, data.inputs.middleCols(first, len), first, backend);
  });
  const double run_s = util::seconds_since(t);

  const double array_rate = gemm_macs_per_second(threads, 4096, 128, 512);
  const double peak_rate = gemm_macs_per_second(threads, 2048, 1024, 1024);
  const double sliced_roofline_s = sliced * images / array_rate;
  const double necessary_roofline_s = necessary * images / peak_rate;
  std::printf("network                 %s\n", net.name.c_str());
  std::printf("MACs per image          %.4g (network), %.4g (bit-sliced, simulated), %.4g (necessary)\n",
              static_cast<double>(net.macs_per_sample()), sliced, necessary);
  std::printf("arrays                  %zu\n", chip.arrays.size());
  std::printf("threads                 %d\n", threads);
  std::printf("load+map                %.2f s\n", load_s);
  std::printf("program chip            %.2f s\n", program_s);
  std::printf("simulate %d images       %.2f s  (%.3f s per image)\n", images, run_s, run_s / images);
  std::printf("simulated sliced MAC/s  %.4g\n", sliced * images / run_s);
  std::printf("Eigen GEMM MAC/s        %.4g array-shaped (4096x128x512), %.4g peak (2048x1024x1024), %d threads\n",
              array_rate, peak_rate, threads);
  std::printf("ratio to roofline       %.2f (sliced work at the array-shaped GEMM rate)\n", sliced_roofline_s / run_s);
  std::printf("                        %.2f (necessary work at the peak GEMM rate)\n", necessary_roofline_s / run_s);
  std::printf("peak memory             %.2f GiB\n", peak_rss_gib());
  return 0;
}

int main(int argc, char** argv) {
  try {
    return bench(argc, argv);
  } catch (const config::ConfigError& e) {  // the network, or the cell YAML: bad input
    std::fprintf(stderr, "bench_functional: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_functional: %s\n", e.what());
    return 1;
  }
}
