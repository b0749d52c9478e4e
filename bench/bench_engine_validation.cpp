// Validation against published chips (docs/validation.md): runs the chips of configs/chips/ on
// workloads built from layer shapes and prints, per published figure, cimsim's figure and the
// error. Each chip's calibrated constants live in its config; `--calibrate` prints the values that
// would make the calibration targets exact, from runs with the config's current values (the
// costs involved are linear in them).
//
//   build/bench/bench_engine_validation [--calibrate]

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/shape_networks.hpp"
#include "bench/shape_run.hpp"
#include "sim/config/loader.hpp"
#include "sim/util/allocator.hpp"

using namespace cimsim;

namespace {

struct Outcome {
  double ops = 0;         // per inference (1 MAC = 2 ops)
  double seconds = 0;     // the timed run
  double energy_pj = 0;   // per inference
  double adc_pj = 0;      // of which ADC conversions
  double conversions = 0;
  double tile_mm2 = 0, interconnect_mm2 = 0, global_mm2 = 0;
  std::int64_t vectors = 0;
  double tops() const { return ops / seconds * 1e-12; }
  double tops_per_w() const { return ops / energy_pj; }
};

Outcome run(const std::string& chip_file, const engine::ShapeNetwork& net, const std::vector<std::string>& sets) {
  config::LoadOptions opt;
  opt.sets = sets;
  const bench::ShapeRun r =
      bench::run_shapes(config::load_config(std::string(CIMSIM_SOURCE_DIR) + "/configs/chips/" + chip_file, opt), net);
  Outcome o;
  o.ops = 2.0 * static_cast<double>(net.macs_per_sample());
  o.seconds = r.timing.latency_ns() * 1e-9;
  o.energy_pj = cost::sum(r.costs.energy);
  o.adc_pj = cost::component(r.costs.energy, "adc");
  for (const auto& l : r.timing.layers) o.conversions += static_cast<double>(l.counts.conversions);
  for (const auto& l : r.chip.layers) o.vectors += l.vectors_per_sample;
  o.tile_mm2 = r.costs.tile_mm2;
  o.interconnect_mm2 = cost::component(r.costs.area, "interconnect") / r.chip.arch.tiles;
  o.global_mm2 = cost::component(r.costs.area, "global_buffer");
  return o;
}

void row(const std::string& chip, const std::string& metric, double published, const std::string& note, double ours) {
  std::printf("| %s | %s | %.4g%s | %.4g | %+.1f %% |\n", chip.c_str(), metric.c_str(), published, note.c_str(), ours,
              100.0 * (ours - published) / published);
}

// A 1×1 convolution of `in` to `out` channels over a 32×32 map: 1024 vectors through the same
// weights, so that the arrays run in steady state.
engine::ShapeNetwork steady(int in, int out, int layers) {
  engine::ShapeNetwork n;
  n.name = "steady";
  n.in_channels = in;
  n.in_h = n.in_w = 32;
  for (int l = 0; l < layers; ++l) n.layers.push_back(engine::conv_shape("conv" + std::to_string(l), out, 1, 1, 0));
  return n;
}

// A keyword-spotting CNN of the usual size (cimsim's assumption; the reference does not give
// AnalogNet-KWS's layers): 49×10 MFCC input, a 3×3/2 convolution to 64 channels, three 3×3
// convolutions of 64 channels, global average pooling and 12 classes; about 14 MMAC.
engine::ShapeNetwork kws() {
  engine::ShapeNetwork n;
  n.name = "kws_cnn";
  n.in_channels = 1;
  n.in_h = 49;
  n.in_w = 10;
  n.layers = {engine::conv_shape("conv1", 64, 3, 2, 1), engine::conv_shape("conv2", 64, 3, 1, 1), engine::conv_shape("conv3", 64, 3, 1, 1),
              engine::conv_shape("conv4", 64, 3, 1, 1), engine::digital_shape("pool", "global_avgpool"), engine::dense_shape("fc", 12)};
  return n;
}

void isaac(bool calibrate) {
  // One tile in steady state: 6 row blocks × 16 column blocks fill its 96 crossbars. ISAAC's
  // peak has every tile so busy; the chip is 168 such tiles.
  // The global buffer holds the workload's input and output maps.
  const Outcome o = run("isaac.yaml", steady(768, 256, 1), {"chip.tiles=1", "chip.global_buffer_kib=4096"});
  const double tiles = 168;
  const double tops = tiles * o.tops();
  const double mm2 = tiles * (o.tile_mm2 + o.interconnect_mm2) + o.global_mm2;
  row("ISAAC", "peak throughput (TOPS)", 41.3, "", tops);
  row("ISAAC", "peak GOPS/W", 627, " (from recalled chip power)", 1e3 * o.tops_per_w());
  row("ISAAC", "peak GOPS/mm^2", 483, " (from recalled chip area)", 1e3 * tops / mm2);
  if (calibrate) std::printf("ISAAC: no constant is fitted to these figures (see the config)\n");
}

void hermes(bool calibrate) {
  const Outcome core = run("hermes.yaml", steady(256, 256, 1), {"chip.tiles=1", "chip.global_buffer_kib=1024"});
  const double ns_per_mvm = core.seconds * 1e9 / static_cast<double>(core.vectors);
  const double core_mm2 = core.tile_mm2;
  row("HERMES core", "ns per MVM (calibration)", 133, "", ns_per_mvm);
  row("HERMES core", "TOPS/W (calibration)", 10.5, "", core.tops_per_w());
  row("HERMES core", "TOPS/mm^2 (calibration)", 1.59, "", core.tops() / core_mm2);
  // The chip: 64 cores, each a 256→256 layer of a pipeline, every core busy in steady state.
  const Outcome chip = run("hermes.yaml", steady(256, 256, 64), {"chip.global_buffer_kib=1024"});
  row("HERMES chip", "TOPS", 63.1, "", chip.tops());
  row("HERMES chip", "TOPS/W", 9.76, "", chip.tops_per_w());
  if (calibrate) {
    const double adc_energy = core.adc_pj / core.conversions;
    const double rest = core.energy_pj - core.adc_pj;
    std::printf("HERMES: adc.table_energy_pj for 10.5 TOPS/W: %.4g (now %.4g)\n",
                (core.ops / 10.5 - rest) / core.conversions, adc_energy);
    config::LoadOptions opt;
    const config::Config cfg = config::load_config(std::string(CIMSIM_SOURCE_DIR) + "/configs/chips/hermes.yaml", opt);
    const double adc_um2 = cfg.section("adc").reals("table_area_um2").front();
    const double adcs = 256;
    const double rest_mm2 = core_mm2 - adcs * adc_um2 * 1e-6;
    std::printf("HERMES: adc.table_area_um2 for 1.59 TOPS/mm^2: %.4g (now %.4g)\n",
                (core.tops() / 1.59 - rest_mm2) / adcs * 1e6, adc_um2);
  }
}

void aon_cim(bool calibrate) {
  const double published[] = {8.55, 26.55, 56.67};
  const int bits[] = {8, 6, 4};
  double first = 0, last = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string b = std::to_string(bits[i]);
    const Outcome o =
        run("aon_cim.yaml", kws(), {"quantization.activation_bits=" + b, "adc.bits=" + b, "dac.bits=" + b});
    row("AON-CIM", "KWS TOPS/W, " + b + "-bit activations" + (i == 0 ? " (calibration)" : ""), published[i], "",
        o.tops_per_w());
    if (i == 0) first = o.tops_per_w();
    if (i == 2) last = o.tops_per_w();
    if (calibrate && i == 0) {
      const double per_conversion = (o.ops / published[0] - (o.energy_pj - o.adc_pj)) / o.conversions;
      std::printf("AON-CIM: adc.walden_fom_fj for 8.55 TOPS/W at 8 bits: %.4g (%.4g pJ per conversion)\n",
                  per_conversion / 256 * 1e3, per_conversion);
    }
  }
  row("AON-CIM", "KWS TOPS/W ratio, 4-bit / 8-bit", 56.67 / 8.55, "", last / first);
}

}  // namespace

int main(int argc, char** argv) {
  cimsim::util::keep_freed_memory();
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const bool calibrate = argc > 1 && std::string(argv[1]) == "--calibrate";
  std::printf("| chip | metric | published | cimsim | error |\n|---|---|---|---|---|\n");
  aon_cim(calibrate);
  isaac(calibrate);
  hermes(calibrate);
  return 0;
}
