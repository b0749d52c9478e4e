#include "sim/run/simulation.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "sim/config/schema.hpp"
#include "sim/cost/programming.hpp"
#include "sim/functional/calibration.hpp"
#include "sim/report/trace_perfetto.hpp"
#include "sim/run/preflight.hpp"
#include "sim/util/progress.hpp"
#include "sim/util/seconds_since.hpp"
#include "sim/workload/load_network.hpp"

namespace cimsim::run {

namespace {

config::SectionSpec workload_section() {
  config::SectionSpec s("workload", "The network and the data it runs on");
  s.order(10);
  s.path("network", "", "The network: ONNX (.onnx) or a layer list (.yaml), relative to this config file")
      .needed()
      .existing();
  s.path("inputs", "", "Test inputs, .npy with the sample axis first; empty: synthetic_samples random inputs")
      .existing();
  s.path("labels", "", "Test labels, .npy of integers; empty: no accuracy").existing();
  s.path("calibration_inputs", "",
         "Inputs that set activation ranges and calibrated ADC full scales; empty: the first test inputs")
      .existing();
  s.integer("samples", 0, "samples", "Test samples to use; 0 = all").at_least(0);
  s.integer("calibration_samples", 256, "samples", "Calibration samples to use").at_least(1);
  s.integer("synthetic_samples", 0, "samples",
            "Seeded random inputs, uniform in [0, 1), for shape-only workloads without data (inputs empty)")
      .at_least(0);
  return s;
}
const config::SectionRegistrar registered(workload_section);

}  // namespace

std::unique_ptr<Simulation> simulate(config::Config cfg, const std::string& files_dir) {
  const auto start = std::chrono::steady_clock::now();
  auto sim = std::make_unique<Simulation>();
  sim->config = std::move(cfg);
  const config::Config& c = sim->config;
  sim->settings = RunSettings::from(c.section("run"));
  const RunSettings& rs = sim->settings;

  // Workload.
  const config::Params& wl = c.section("workload");
  sim->network = workload::load_network(wl.text("network"));
  check_workload(c, sim->network);  // shapes, counts, labels and sizes, before any data is read
  if (!wl.text("inputs").empty()) {
    sim->test = workload::load_dataset(wl.text("inputs"), wl.text("labels"), wl.integer("samples"),
                                       workload::network_outputs(sim->network));
  } else {
    sim->test = workload::synthetic_dataset(sim->network.input_shape, wl.integer("synthetic_samples"), rs.seed);
  }
  if (!wl.text("calibration_inputs").empty()) {
    const std::string& path = wl.text("calibration_inputs");
    const std::int64_t n = std::min(wl.integer("calibration_samples"), workload::inspect_inputs(path).samples);
    sim->calibration = workload::load_dataset(path, "", n);
  } else {
    if (!wl.text("inputs").empty())
      spdlog::warn("workload.calibration_inputs is empty: calibrating on the first test inputs");
    const std::int64_t n = std::min(wl.integer("calibration_samples"), sim->test.size());
    sim->calibration.sample_shape = sim->test.sample_shape;
    sim->calibration.inputs = sim->test.inputs.leftCols(n);
  }
  sim->qnet = workload::quantize(sim->network, sim->calibration, c.section("quantization"));

  // Models.
  sim->cell = models::CellRegistry::instance().create(c.section("cell"));
  sim->adc = models::AdcRegistry::instance().create(c.section("adc"));
  sim->dac = models::DacRegistry::instance().create(c.section("dac"));
  if (sim->adc->bits() < 2 && mapping::Architecture::from(c).analog_pairs())
    c.section("adc").fail("bits", "a signed (differential) readout needs at least 2 bits");

  // Mapping.
  sim->chip = mapping::map_network(sim->qnet, mapping::Architecture::from(c), sim->dac->bits(),
                                   sim->cell->max_bits_per_cell());
  if (sim->adc->common().full_scale == models::FullScale::Calibrated) {
    // The exact percentile keeps every ADC input above it: say so before running out of memory.
    constexpr double kCalibrationBytes = 2.0 * (1 << 30);
    const double bytes = static_cast<double>(
        functional::CalibrationQuota(sim->chip, sim->calibration.size(), sim->adc->common().calibration_percentile).bytes());
    if (bytes > kCalibrationBytes)
      c.section("adc").fail("calibration_percentile",
                            "an exact " + config::format_value(sim->adc->common().calibration_percentile) +
                                " % percentile over " + std::to_string(sim->calibration.size()) +
                                " calibration samples keeps " + config::format_value(bytes / (1 << 30)) +
                                " GiB of ADC inputs (limit 2 GiB): raise adc.calibration_percentile or lower "
                                "workload.calibration_samples");
  }
  const functional::DriftCompensation drift = functional::DriftCompensation::from(c.section("drift_compensation"));
  for (auto& lm : sim->chip.layers) lm.output_scaling = drift.on() && lm.kind == mapping::LayerMap::Kind::Matrix;
  const double read_ns = functional::array_read_ns(*sim->dac, *sim->cell, sim->chip.arch.read_time_ns);
  sim->drive = functional::DriveLevels::of(sim->dac.get(), sim->dac->bits(), sim->chip.arch.read_voltage_v, read_ns);

  // Functional engine.
  const auto f_start = std::chrono::steady_clock::now();
  functional::EvalOptions eo;
  eo.seed = rs.seed;
  eo.chip_instances = rs.chip_instances;
  eo.t_inference_s = rs.t_inference_s;
  eo.threads = rs.threads;
  eo.batch_size = rs.batch_size;
  eo.progress = rs.progress == "always" || (rs.progress == "auto" && util::Progress::terminal_attached());
  eo.drive = &sim->drive;
  eo.drift = drift;
  sim->eval = functional::evaluate(sim->qnet, sim->chip, *sim->cell, *sim->adc, sim->test, sim->calibration, eo);
  sim->variability = analysis::analyse_variability(
      functional::EvalSetup(sim->qnet, sim->chip, *sim->cell, *sim->adc, sim->test, sim->calibration, eo),
      c.section("analysis"));
  const int over = sim->eval.instances.front().columns_over_current_limit;
  if (over > 0)
    spdlog::warn("{} columns can carry more than the cell's column current limit of {} uA in a full read "
                 "(cell.column_current_limit_ua)",
                 over, sim->cell->column_current_limit_ua());
  sim->functional_seconds = util::seconds_since(f_start);

  // Timing engine.
  const auto t_start = std::chrono::steady_clock::now();
  engine::TimingParams tp = engine::timing_params(c, *sim->adc, rs.timing_inferences);
  tp.read_cycles = sim->chip.arch.cycles_of_ns(read_ns);
  // Programming is reported apart; rewrites between programming rounds stall the run.
  const cost::ProgrammingCost programming = cost::programming_cost(sim->chip, *sim->cell);
  tp.round_write_cycles = cost::round_write_cycles(programming, sim->chip.arch);
  tp.trace = report::trace_request(c.section("trace"), files_dir.empty() ? rs.output_dir : files_dir);
  sim->timing = engine::simulate(sim->chip, tp);
  sim->timing.steady_cycles_per_inference = engine::steady_cycles_per_inference(sim->chip, tp, sim->timing);
  sim->timing_seconds = util::seconds_since(t_start);

  // Costs.
  const functional::Activity mean = sim->eval.mean_activity();
  sim->cost = cost::compute_costs({sim->chip, sim->timing, mean, *sim->cell, *sim->adc, *sim->dac, c});
  sim->cost.programming = programming;
  sim->wall_seconds = util::seconds_since(start);
  return sim;
}

}  // namespace cimsim::run
