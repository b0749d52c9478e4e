// Functional-engine speed: simulated bit-sliced MACs per second, seconds per image and peak memory,
// against an Eigen GEMM roofline measured in the same run.
//
//   build/bench/bench_functional [network.yaml|.onnx] [images] [threads] [cell preset/model YAML]
//
// Defaults: traces/resnet18_cifar10 (shape only), 4 images, all cores; 8-bit weights and
// activations, 1-bit DACs, 2-bit cells, differential pairs, 8-bit ADCs with `max` full scale,
// Gaussian programming error and 2 % per-read noise on every device.
//
// Simulated bit-sliced MACs: every cell of every used column times every read of every input
// vector (rows × columns × input slices × row groups × vectors), what the chip does.
// Roofline: the multiply-adds no functional model of the chip can avoid, one per row, ADC input and
// input slice of every vector (a differential pair read as one analog difference is one ADC input),
// done at the single-precision Eigen GEMM rate measured in this run; ratio = roofline time /
// simulation time. Read noise, I–V non-linearity and conversion are work on top of it.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
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
#include "sim/workload/dataset.hpp"
#include "sim/workload/load_network.hpp"
#include "sim/workload/quantize.hpp"

using namespace cimsim;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

double peak_rss_gib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

// Single-precision GEMM throughput with `threads` independent products running at once. The shape is
// large enough for Eigen to reach its peak on this machine (the engine's own products, with 128 or
// fewer inner terms, run slower), so the ratio is against the best GEMM the machine does.
double gemm_flops_per_second(int threads) {
  const Eigen::Index m = 2048, k = 1024, n = 1024;
  std::vector<double> rates(static_cast<std::size_t>(threads));
  util::parallel_for(static_cast<std::size_t>(threads), threads, [&](std::size_t t) {
    const Eigen::MatrixXf a = Eigen::MatrixXf::Random(m, k), b = Eigen::MatrixXf::Random(k, n);
    Eigen::MatrixXf c(m, n);
    c.noalias() = a * b;  // warm up
    int reps = 0;
    const auto start = std::chrono::steady_clock::now();
    while (seconds_since(start) < 1.0) {
      c.noalias() = a * b;
      ++reps;
    }
    rates[t] = 2.0 * m * k * n * reps / seconds_since(start) + 0 * c(0, 0);
  });
  double total = 0;
  for (double r : rates) total += r;
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  cimsim::util::keep_freed_memory();
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const std::string network = argc > 1 ? argv[1] : std::string(CIMSIM_SOURCE_DIR) + "/traces/resnet18_cifar10/network.yaml";
  const int images = argc > 2 ? std::atoi(argv[2]) : 4;
  const int threads = util::resolve_threads(argc > 3 ? std::atoi(argv[3]) : 0);
  const std::string cell_yaml = argc > 4 ? argv[4] : "{model: gaussian, sigma_us: 0.5, read_noise_relative: 0.02}";

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
  const double load_s = seconds_since(t);

  t = std::chrono::steady_clock::now();
  const functional::ProgrammedChip programmed = functional::ProgrammedChip::program(chip, *cell, 1, 0, 1.0, threads);
  const double program_s = seconds_since(t);

  // Sliced MACs per image: what the chip does, and what the roofline counts.
  double sliced = 0, necessary = 0;
  for (const auto& a : chip.arrays) {
    const auto& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
    const double reads = static_cast<double>(lm.input_slices.size()) * static_cast<double>(lm.vectors_per_sample);
    sliced += static_cast<double>(a.rows) * a.columns * a.sub_reads(chip.arch) * reads;
    necessary += static_cast<double>(a.rows) * static_cast<double>(a.readouts.size()) * reads;
  }

  const double current_unit = programmed.delta_g_us * chip.arch.read_voltage_v;
  const functional::FullScalePlan plan(chip, adc->common(), programmed.g_min_norm, current_unit);
  // As the evaluator does: whole images spread over the threads when there are enough of them,
  // otherwise each image's matrix products spread over the threads.
  const bool per_image = images >= threads;
  t = std::chrono::steady_clock::now();
  util::parallel_for(static_cast<std::size_t>(images), per_image ? threads : 1, [&](std::size_t i) {
    functional::CrossbarBackend backend(chip, programmed, *adc, plan, nullptr, per_image ? 1 : threads);
    functional::quantized_logits(qnet, data.inputs.col(static_cast<Eigen::Index>(i)), static_cast<std::int64_t>(i), backend);
  });
  const double run_s = seconds_since(t);

  const double gemm = gemm_flops_per_second(threads);
  const double roofline_s = 2.0 * necessary * images / gemm;
  std::printf("network                 %s\n", net.name.c_str());
  std::printf("MACs per image          %.4g (network), %.4g (bit-sliced, simulated), %.4g (roofline)\n",
              static_cast<double>(net.macs_per_sample()), sliced, necessary);
  std::printf("arrays                  %zu\n", chip.arrays.size());
  std::printf("threads                 %d\n", threads);
  std::printf("load+map                %.2f s\n", load_s);
  std::printf("program chip            %.2f s\n", program_s);
  std::printf("simulate %d images       %.2f s  (%.3f s per image)\n", images, run_s, run_s / images);
  std::printf("simulated sliced MAC/s  %.4g\n", sliced * images / run_s);
  std::printf("Eigen GEMM roofline     %.4g MAC/s (%d threads)\n", gemm / 2, threads);
  std::printf("ratio to roofline       %.2f\n", roofline_s / run_s);
  std::printf("peak memory             %.2f GiB\n", peak_rss_gib());
  return 0;
}
