#pragma once
// The validation against published chips (docs/validation.md), shared by the validation bench and
// its test: each figure cimsim gives for a published one, computed from the chips of
// configs/chips/ on workloads built from layer shapes, and the table of docs/validation.md with
// the figure recorded for each and its band, so that a change moving a figure out of its band, or
// away from what the doc records, fails.

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/shape_networks.hpp"
#include "bench/shape_run.hpp"
#include "sim/config/loader.hpp"
#include "sim/run/simulation.hpp"

namespace cimsim::bench {

// One shape-only run of a chip, reduced to what the figures need.
struct Outcome {
  double ops = 0;        // per inference (1 MAC = 2 ops)
  double seconds = 0;    // the timed run
  double energy_pj = 0;  // per inference, chip level
  double macro_energy_pj = 0;
  double adc_pj = 0;  // of which ADC conversions
  double conversions = 0;
  double io_pj = 0;   // of which the off-chip links, once for the chip
  double outside_tiles_pj = 0;  // of which the global buffer, the on-chip network, DRAM and the links
  double tile_mm2 = 0, interconnect_mm2 = 0, global_mm2 = 0, macro_mm2 = 0, io_mm2 = 0;
  std::int64_t vectors = 0;
  double tops() const { return ops / seconds * 1e-12; }
  double tops_per_w() const { return ops / energy_pj; }
  // The tiles alone (a core with its own buffers), as a single core is measured.
  double tile_tops_per_w() const { return ops / (energy_pj - outside_tiles_pj); }
};

inline std::string chip_config(const std::string& file) { return std::string(CIMSIM_SOURCE_DIR) + "/configs/chips/" + file; }

inline Outcome run_chip(const std::string& chip_file, const engine::ShapeNetwork& net,
                        const std::vector<std::string>& sets) {
  config::LoadOptions opt;
  opt.sets = sets;
  const ShapeRun r = run_shapes(config::load_config(chip_config(chip_file), opt), net);
  Outcome o;
  o.ops = 2.0 * static_cast<double>(net.macs_per_sample());
  o.seconds = r.timing.latency_ns() * 1e-9;
  o.energy_pj = cost::sum(r.costs.energy);
  o.macro_energy_pj = cost::macro_sum(r.costs.energy);
  o.adc_pj = cost::component(r.costs.energy, "adc");
  o.io_pj = cost::component(r.costs.energy, "io");
  for (const char* part : {"global_buffer", "interconnect", "dram", "io"}) o.outside_tiles_pj += cost::component(r.costs.energy, part);
  o.outside_tiles_pj += r.costs.global_leakage_pj;
  for (const auto& l : r.timing.layers) o.conversions += static_cast<double>(l.counts.conversions);
  for (const auto& l : r.chip.layers) o.vectors += l.vectors_per_sample;
  o.tile_mm2 = r.costs.tile_mm2;
  o.interconnect_mm2 = cost::component(r.costs.area, "interconnect") / r.chip.arch.tiles;
  o.global_mm2 = cost::component(r.costs.area, "global_buffer");
  o.macro_mm2 = cost::macro_sum(r.costs.area);
  o.io_mm2 = cost::component(r.costs.area, "io");
  return o;
}

// A full run of a chip (programmed cells, the test set through every chip instance), reduced to
// its accuracies (fractions): the float network, and the mean over the chip instances.
struct AccuracyOutcome {
  double software = 0, chip = 0;
};

inline AccuracyOutcome run_accuracy(const std::string& chip_file) {
  const auto sim = run::simulate(config::load_config(chip_config(chip_file), config::LoadOptions{}));
  AccuracyOutcome a;
  a.software = sim->eval.float_accuracy;
  for (const auto& i : sim->eval.instances) a.chip += i.accuracy / static_cast<double>(sim->eval.instances.size());
  return a;
}

// A 1×1 convolution of `in` to `out` channels over a 32×32 map: 1024 vectors through the same
// weights, so that the arrays run in steady state.
inline engine::ShapeNetwork steady(int in, int out, int layers) {
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
inline engine::ShapeNetwork kws() {
  engine::ShapeNetwork n;
  n.name = "kws_cnn";
  n.in_channels = 1;
  n.in_h = 49;
  n.in_w = 10;
  n.layers = {engine::conv_shape("conv1", 64, 3, 2, 1),         engine::conv_shape("conv2", 64, 3, 1, 1),
              engine::conv_shape("conv3", 64, 3, 1, 1),         engine::conv_shape("conv4", 64, 3, 1, 1),
              engine::digital_shape("pool", "global_avgpool"), engine::dense_shape("fc", 12)};
  return n;
}

// A figure cimsim gives for a published one.
struct Figure {
  std::string chip, metric;
  double published = 0;
  double cimsim = 0;
  double error() const { return (cimsim - published) / published; }
};

// The runs the figures come from, kept for the calibration printout.
struct ValidationRuns {
  Outcome aon[3];  // 8, 6, 4 bits
  Outcome isaac, hermes_core, hermes_chip;
  AccuracyOutcome samsung;
};

inline std::vector<Figure> validation_figures(ValidationRuns* keep = nullptr) {
  ValidationRuns runs;
  std::vector<Figure> f;
  // AON-CIM: keyword spotting at 8, 6 and 4-bit activations, ADC and DAC as wide.
  const double aon_published[] = {8.55, 26.55, 56.67};
  const int aon_bits[] = {8, 6, 4};
  for (int i = 0; i < 3; ++i) {
    const std::string b = std::to_string(aon_bits[i]);
    runs.aon[i] = run_chip("aon_cim.yaml", kws(), {"quantization.activation_bits=" + b, "adc.bits=" + b, "dac.bits=" + b});
    f.push_back({"AON-CIM", "KWS TOPS/W, " + b + "-bit activations" + (i == 0 ? " (calibration)" : ""),
                 aon_published[i], runs.aon[i].tops_per_w()});
  }
  f.push_back({"AON-CIM", "KWS TOPS/W ratio, 4-bit / 8-bit", 56.67 / 8.55,
               runs.aon[2].tops_per_w() / runs.aon[0].tops_per_w()});

  // ISAAC: one tile in steady state, 6 row blocks × 16 column blocks filling its 96 crossbars;
  // ISAAC's peak has every tile so busy, and the chip is 168 such tiles around one global buffer
  // and one set of off-chip links (the one-tile run counts both once). The global buffer holds
  // the workload's input and output maps.
  const Outcome& is = runs.isaac =
      run_chip("isaac.yaml", steady(768, 256, 1), {"chip.tiles=1", "chip.global_buffer_kib=4096"});
  const double tiles = 168;
  const double isaac_tops = tiles * is.tops();
  f.push_back({"ISAAC", "peak throughput (TOPS)", 41.3, isaac_tops});
  f.push_back({"ISAAC", "peak GOPS/W", 627, 1e3 * tiles * is.ops / (tiles * (is.energy_pj - is.io_pj) + is.io_pj)});
  f.push_back({"ISAAC", "peak GOPS/mm^2", 483,
               1e3 * isaac_tops / (tiles * (is.tile_mm2 + is.interconnect_mm2) + is.global_mm2 + is.io_mm2)});

  // HERMES: one core running a 256→256 layer over 1024 vectors, then 64 such layers in a pipeline.
  // The core's efficiency counts the core alone (its tile with its buffers): the published figure
  // is a core's, which has no chip-level global buffer or network around it.
  const Outcome& core = runs.hermes_core =
      run_chip("hermes.yaml", steady(256, 256, 1), {"chip.tiles=1", "chip.global_buffer_kib=1024"});
  f.push_back({"HERMES core", "ns per MVM (calibration)", 133, core.seconds * 1e9 / static_cast<double>(core.vectors)});
  f.push_back({"HERMES core", "TOPS/W (calibration)", 10.5, core.tile_tops_per_w()});
  f.push_back({"HERMES core", "TOPS/mm^2 (calibration)", 1.59, core.tops() / core.tile_mm2});
  const Outcome& chip = runs.hermes_chip = run_chip("hermes.yaml", steady(256, 256, 64), {"chip.global_buffer_kib=1024"});
  f.push_back({"HERMES chip", "TOPS", 63.1, chip.tops()});
  f.push_back({"HERMES chip", "TOPS/W", 9.76, chip.tops_per_w()});

  // Samsung: the binary two-layer perceptron on MNIST, programmed onto the STT-MRAM cells with
  // their device errors, over the config's chip instances. Software: the float network (binary
  // weights, float activations), as the paper's baseline.
  const AccuracyOutcome& mram = runs.samsung = run_accuracy("samsung_mram.yaml");
  const double published_chip = 93.23, published_software = 95.24;
  f.push_back({"Samsung MRAM", "MNIST accuracy in software, binary weights (%)", published_software,
               100 * mram.software});
  f.push_back({"Samsung MRAM", "MNIST accuracy on chip (%)", published_chip, 100 * mram.chip});
  f.push_back({"Samsung MRAM", "MNIST accuracy on chip / in software", published_chip / published_software,
               mram.chip / mram.software});
  f.push_back({"Samsung MRAM", "MNIST accuracy lost on chip (points)", published_software - published_chip,
               100 * (mram.software - mram.chip)});
  if (keep) *keep = runs;
  return f;
}

// A row of docs/validation.md's table: the figure recorded there and its band (the largest
// |error| against the published figure it may have).
struct RecordedFigure {
  double cimsim = 0;
  double band = 0;  // fraction
  int line = 0;
};

inline std::string validation_doc() { return std::string(CIMSIM_SOURCE_DIR) + "/docs/validation.md"; }

// The table of docs/validation.md keyed by "chip | metric". Rows are
// `| chip | metric | published | cimsim | error | ±band % |`.
inline std::map<std::string, RecordedFigure> recorded_figures(const std::string& path = validation_doc()) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::map<std::string, RecordedFigure> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string c; std::getline(ss, c, '|');) {
      const auto b = c.find_first_not_of(' '), e = c.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : c.substr(b, e - b + 1));
    }
    if (cells.size() < 6 || cells[5].rfind("±", 0) != 0) continue;  // the header, or another table
    RecordedFigure r;
    r.line = n;
    try {
      r.cimsim = std::stod(cells[3]);
      r.band = std::stod(cells[5].substr(std::string("±").size())) / 100;
    } catch (const std::exception&) {
      throw std::runtime_error(path + ":" + std::to_string(n) + ": expected numbers in the cimsim and band columns");
    }
    out[cells[0] + " | " + cells[1]] = r;
  }
  return out;
}

// Checks every figure against docs/validation.md; returns one line per failure.
inline std::vector<std::string> validation_failures(const std::vector<Figure>& figures,
                                                    const std::map<std::string, RecordedFigure>& recorded,
                                                    double drift_tolerance = 0.01) {
  std::vector<std::string> failures;
  for (const Figure& f : figures) {
    const std::string key = f.chip + " | " + f.metric;
    auto it = recorded.find(key);
    char buf[512];
    if (it == recorded.end()) {
      failures.push_back(key + ": not in docs/validation.md's table");
      continue;
    }
    const RecordedFigure& r = it->second;
    if (std::fabs(f.error()) > r.band) {
      std::snprintf(buf, sizeof buf, "%s: %.4g is %+.1f %% from the published %.4g, outside its band of ±%.0f %%",
                    key.c_str(), f.cimsim, 100 * f.error(), f.published, 100 * r.band);
      failures.push_back(buf);
    }
    if (std::fabs(f.cimsim - r.cimsim) > drift_tolerance * std::fabs(r.cimsim)) {
      std::snprintf(buf, sizeof buf, "%s: cimsim gives %.4g, docs/validation.md (line %d) records %.4g: update the doc",
                    key.c_str(), f.cimsim, r.line, r.cimsim);
      failures.push_back(buf);
    }
  }
  for (const auto& [key, r] : recorded) {
    bool computed = false;
    for (const Figure& f : figures) computed = computed || f.chip + " | " + f.metric == key;
    if (!computed) failures.push_back(key + ": in docs/validation.md (line " + std::to_string(r.line) + ") but not computed");
  }
  return failures;
}

}  // namespace cimsim::bench
