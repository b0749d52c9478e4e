#pragma once
// One simulation, end to end (docs/design.md §2): config -> workload -> quantization -> mapping ->
// functional engine (accuracy, activity) and timing engine (cycles, counts) -> costs.

#include <memory>
#include <string>

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "models/periphery/dac.hpp"
#include "sim/analysis/variability.hpp"
#include "sim/config/params.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/engine/timing.hpp"
#include "sim/functional/evaluate.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/quantize.hpp"

namespace cimsim::run {

// Settings of the run itself, from the `run` section.
struct RunSettings {
  std::uint64_t seed = 1;
  int threads = 0;
  int batch_size = 64;
  std::string output_dir;
  int chip_instances = 1;
  double t_inference_s = 1;
  double temperature_k = 300;
  int timing_inferences = 1;
  std::string progress = "auto";
  std::string mode = "auto";  // run.mode as configured
  double array_memory_mib = 1024;  // run.array_memory_mib
  static RunSettings from(const config::Params& run);
};

struct Simulation {
  config::Config config;
  RunSettings settings;
  workload::Network network;
  workload::Dataset test, calibration;
  workload::QuantizedNetwork qnet;
  std::unique_ptr<models::CellModel> cell;
  std::unique_ptr<models::AdcModel> adc;
  std::unique_ptr<models::DacModel> dac;
  mapping::ChipMap chip;
  functional::DriveLevels drive;  // the DAC's levels over one read
  engine::TimingParams timing_params;      // the timing engine's inputs, auto sizes settled
  cost::ProgrammingCost programming;       // writing the weights, reported apart from inference
  bool full = true;               // programmed and evaluated (run.mode resolved); false: estimated
  struct AutoSize {
    std::string key;  // section.key
    double value = 0;
    std::string unit;
  };
  std::vector<AutoSize> auto_sizes;  // what `auto` became
  functional::EvalResult eval;
  analysis::VariabilityResult variability;
  engine::TimingResult timing;
  cost::CostResult cost;
  double wall_seconds = 0, functional_seconds = 0, timing_seconds = 0;
};

// Everything up to the engines: loads the workload, quantizes, maps, plans the schedule and settles
// every `auto` size, so that each error that depends on the network (does not fit, a buffer too
// small, calibration too large) is raised. `cimsim check` stops here; simulate() goes on.
std::unique_ptr<Simulation> prepare(config::Config config);

// Runs everything. Errors in the inputs throw config::ConfigError / config::InputError; a cancelled
// run (util/cancel.hpp) throws util::Cancelled. `outputs`, when given, receives every layer's
// output of its chip instance's test pass. `files_dir` takes the files the engines write while they
// run (the VCD): the staging folder of the output folder (util::StagedFolder); empty:
// run.output_dir itself.
std::unique_ptr<Simulation> simulate(config::Config config, functional::LayerOutputSink* outputs = nullptr,
                                     const std::string& files_dir = "");

}  // namespace cimsim::run
