// Validation against published chips (docs/validation.md): runs the chips of configs/chips/ on
// workloads built from layer shapes and prints, per published figure, cimsim's figure, the error
// and the band docs/validation.md gives it. Exits 1 when a figure leaves its band or drifts from
// the value the doc records (tests/test_validation.cpp checks the same). `--calibrate` also prints
// the values that would make each calibration target exact, from runs with the config's current
// values (the costs involved are linear in them).
//
//   build/bench/bench_engine_validation [--calibrate]

#include <cstdio>
#include <string>

#include "bench/validation.hpp"
#include "sim/util/allocator.hpp"

using namespace cimsim;

namespace {

void calibration(const bench::ValidationRuns& runs) {
  const bench::Outcome& aon = runs.aon[0];
  const double per_conversion = (aon.ops / 8.55 - (aon.energy_pj - aon.adc_pj)) / aon.conversions;
  std::printf("AON-CIM: adc.walden_fom_fj for 8.55 TOPS/W at 8 bits: %.4g (%.4g pJ per conversion)\n",
              per_conversion / 256 * 1e3, per_conversion);
  std::printf("ISAAC: no constant is fitted to these figures (see the config)\n");
  const bench::Outcome& core = runs.hermes_core;
  std::printf("HERMES: adc.table_energy_pj for 10.5 TOPS/W of the core alone: %.4g (now %.4g)\n",
              (core.ops / 10.5 - (core.energy_pj - core.outside_tiles_pj - core.adc_pj)) / core.conversions,
              core.adc_pj / core.conversions);
  const config::Config cfg = config::load_config(bench::chip_config("hermes.yaml"), config::LoadOptions{});
  const double adc_um2 = cfg.section("adc").reals("table_area_um2").front();
  const double adcs = 256;
  const double rest_mm2 = core.tile_mm2 - adcs * adc_um2 * 1e-6;
  std::printf("HERMES: adc.table_area_um2 for 1.59 TOPS/mm^2: %.4g (now %.4g)\n",
              (core.tops() / 1.59 - rest_mm2) / adcs * 1e6, adc_um2);
}

}  // namespace

int main(int argc, char** argv) {
  cimsim::util::keep_freed_memory();
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const bool calibrate = argc > 1 && std::string(argv[1]) == "--calibrate";
  bench::ValidationRuns runs;
  const auto figures = bench::validation_figures(&runs);
  const auto recorded = bench::recorded_figures();
  std::printf("| chip | metric | published | cimsim | error | band |\n|---|---|---|---|---|---|\n");
  for (const auto& f : figures) {
    auto it = recorded.find(f.chip + " | " + f.metric);
    const std::string band = it == recorded.end() ? "(none)" : "±" + std::to_string(static_cast<int>(100 * it->second.band + 0.5)) + " %";
    std::printf("| %s | %s | %.4g | %.4g | %+.1f %% | %s |\n", f.chip.c_str(), f.metric.c_str(), f.published, f.cimsim,
                100 * f.error(), band.c_str());
  }
  if (calibrate) calibration(runs);
  const auto failures = bench::validation_failures(figures, recorded);
  for (const auto& line : failures) std::fprintf(stderr, "validation: %s\n", line.c_str());
  return failures.empty() ? 0 : 1;
}
