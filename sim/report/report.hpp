#pragma once
// What a run hands back (docs/design.md §9): report.json (every number with its unit), layers.csv (one row
// per mapped layer, units in the column names), resolved.yaml (the whole config, defaults filled,
// that reproduces the run) and a short console summary.

#include <string>
#include <vector>

#include "sim/run/simulation.hpp"
#include "sim/util/json.hpp"
#include "sim/util/staged_folder.hpp"

namespace cimsim::report {

struct Metrics {
  double accuracy = 0;
  double energy_pj = 0;      // per inference
  double area_mm2 = 0;
  double latency_ns = 0;     // per run of timing_inferences
  std::int64_t cycles = 0;
  double tops = 0;           // sustained, over the timed run
  double tops_per_w = 0;
  double tops_per_mm2 = 0;
  double macs = 0;           // per inference
  // The macro alone: arrays and their periphery (cost::is_macro_component), same operations and time.
  double macro_energy_pj = 0, macro_area_mm2 = 0;
  double macro_tops_per_w = 0, macro_tops_per_mm2 = 0;
};
Metrics metrics_of(const run::Simulation& sim);

json::Value build_json(const run::Simulation& sim);
// Wall-clock seconds of the run, kept out of report.json so that the report depends only on the
// config and seed.
json::Value build_wallclock_json(const run::Simulation& sim);
std::string build_layers_csv(const run::Simulation& sim);
std::string console_summary(const run::Simulation& sim, const std::string& output_dir);

// Every file a run may write into its output folder.
const std::vector<std::string>& output_files();

// Writes the files into the staging folder and moves them into the output folder together, with
// any file the engines wrote there during the run (the VCD); outputs of an earlier run in that
// folder that this run did not write are removed, so the folder never mixes two runs.
void write_outputs(const run::Simulation& sim, util::StagedFolder& out);

}  // namespace cimsim::report
