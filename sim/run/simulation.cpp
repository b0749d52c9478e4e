#include "sim/run/simulation.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "models/memories/dram.hpp"
#include "sim/config/schema.hpp"
#include "sim/cost/activity_estimate.hpp"
#include "sim/cost/array_writes.hpp"
#include "sim/cost/programming.hpp"
#include "sim/engine/steady_rate.hpp"
#include "sim/functional/calibration.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/report/trace_perfetto.hpp"
#include "sim/run/preflight.hpp"
#include "sim/run/steady_rate_process.hpp"
#include "sim/util/allocator.hpp"
#include "sim/util/cancel.hpp"
#include "sim/util/progress.hpp"
#include "sim/util/resident.hpp"
#include "sim/util/seconds_since.hpp"
#include "sim/workload/load_network.hpp"
#include "sim/workload/quantize_options.hpp"

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

// The network, the test set and the calibration set, after the checks that need no data (shapes,
// counts, labels, memory; `cimsim check` runs the same).
void load_workload(Simulation& sim, const workload::LoadOptions& options) {
  const config::Params& wl = sim.config.section("workload");
  sim.network = workload::load_network(wl.text("network"), options);
  check_workload(sim.config, sim.network);
  if (!wl.text("inputs").empty()) {
    sim.test = workload::load_dataset(wl.text("inputs"), wl.text("labels"), wl.integer("samples"),
                                      workload::network_outputs(sim.network));
  } else {
    sim.test = workload::synthetic_dataset(sim.network.input_shape, wl.integer("synthetic_samples"), sim.settings.seed);
  }
  if (!wl.text("calibration_inputs").empty()) {
    const std::string& path = wl.text("calibration_inputs");
    const std::int64_t n = std::min(wl.integer("calibration_samples"), workload::inspect_inputs(path).samples);
    sim.calibration = workload::load_dataset(path, "", n);
  } else {
    if (!wl.text("inputs").empty())
      spdlog::warn("workload.calibration_inputs is empty: calibrating on the first test inputs");
    const std::int64_t n = std::min(wl.integer("calibration_samples"), sim.test.size());
    sim.calibration.sample_shape = sim.test.sample_shape;
    sim.calibration.inputs = sim.test.inputs.leftCols(n);
  }
}

// Whether this run programs the chip and evaluates it (run.mode, resolved), decided before
// anything is loaded: with labels (workload.labels) or analyses, unless run.mode says.
bool full_run(const config::Config& c, const RunSettings& settings) {
  const config::Params& run = c.section("run");
  if (settings.mode == "full") return true;
  const bool analyses = !c.section("analysis").reals("corners").empty() || c.section("analysis").flag("worst_case");
  if (settings.mode == "estimate") {
    if (analyses) run.fail("mode", "corners and the worst-case search evaluate programmed chips: they need run.mode full");
    return false;
  }
  return !c.section("workload").text("labels").empty() || analyses;
}

void check_calibration_memory(const Simulation& sim) {
  if (sim.adc->common().full_scale != models::FullScale::Calibrated) return;
  // The exact percentile keeps every ADC input above it: say so before running out of memory.
  constexpr double kCalibrationBytes = 2.0 * (1 << 30);
  const double bytes = static_cast<double>(
      functional::CalibrationQuota(sim.chip, sim.calibration.size(), sim.adc->common().calibration_percentile).bytes());
  if (bytes > kCalibrationBytes)
    sim.config.section("adc").fail("calibration_percentile",
                                   "an exact " + config::format_value(sim.adc->common().calibration_percentile) +
                                       " % percentile over " + std::to_string(sim.calibration.size()) +
                                       " calibration samples keeps " + config::format_value(bytes / (1 << 30)) +
                                       " GiB of ADC inputs (limit 2 GiB): raise adc.calibration_percentile or lower "
                                       "workload.calibration_samples");
}

// Programs the chip and runs the test set through it: accuracy and the measured read activity.
void evaluate_on_chip(Simulation& sim, const functional::DriftCompensation& drift,
                      functional::LayerOutputSink* outputs) {
  const RunSettings& rs = sim.settings;
  functional::EvalOptions eo;
  eo.seed = rs.seed;
  eo.chip_instances = rs.chip_instances;
  eo.t_inference_s = rs.t_inference_s;
  eo.threads = rs.threads;
  eo.batch_size = rs.batch_size;
  eo.array_memory_mib = rs.array_memory_mib;
  eo.progress = rs.progress == "always" || (rs.progress == "auto" && util::Progress::terminal_attached());
  eo.drive = &sim.drive;
  eo.drift = drift;
  eo.outputs = outputs;
  eo.temperature_k = rs.temperature_k;
  eo.ir_drop = functional::IrDrop::from(sim.config, *sim.cell);
  eo.written_age_s = cost::written_age_s(sim.chip, *sim.cell);
  sim.eval = functional::evaluate(sim.qnet, sim.chip, *sim.cell, *sim.adc, sim.test, sim.calibration, eo);
  eo.outputs = nullptr;  // corners and worst cases are not the recorded test pass
  sim.variability = analysis::analyse_variability(
      functional::EvalSetup(sim.qnet, sim.chip, *sim.cell, *sim.adc, sim.test, sim.calibration, eo),
      sim.config.section("analysis"));
  const int over = sim.eval.instances.front().columns_over_current_limit;
  if (over > 0)
    spdlog::warn("{} columns can carry more than the cell's column current limit of {} uA in a full read "
                 "(cell.column_current_limit_ua)",
                 over, sim.cell->column_current_limit_ua());
}

// What an estimate knows without programming: the test set's size, no accuracy, and the figures of
// the mapping the functional engine would have reported.
functional::EvalResult unevaluated(const Simulation& sim) {
  functional::EvalResult r;
  r.samples = sim.test.size();
  r.labelled = false;
  const functional::ProgrammedChip scale = functional::ProgrammedChip::scale(sim.chip, *sim.cell);
  r.lossless_adc_bits = functional::lossless_adc_bits(sim.chip, scale.g_min_norm);
  r.current_unit_ua = scale.current_unit_ua(sim.chip);
  return r;
}

// Every `auto` size takes the value the network needs (tiles from the mapper, buffers from the
// schedule), in the chip and in the config, so that resolved.yaml reproduces the run.
void settle_auto_sizes(Simulation& sim, const engine::TimingParams& tp) {
  const mapping::Architecture before = sim.chip.arch;
  engine::settle_buffers(sim.chip, tp);
  const mapping::Architecture& arch = sim.chip.arch;
  auto settle = [&](bool was_auto, const char* section, const char* key, double value, const char* unit) {
    if (!was_auto) return;
    const bool whole = std::string(unit) == "tiles";
    sim.config.settle(section, key, whole ? config::Value(static_cast<std::int64_t>(value)) : config::Value(value));
    sim.auto_sizes.push_back({std::string(section) + "." + key, value, unit});
  };
  settle(before.tiles_auto, "chip", "tiles", arch.tiles, "tiles");
  settle(before.input_buffer_auto, "tile", "input_buffer_kib", arch.input_buffer_kib, "KiB");
  settle(before.output_buffer_auto, "tile", "output_buffer_kib", arch.output_buffer_kib, "KiB");
  settle(before.global_buffer_auto, "chip", "global_buffer_kib", arch.global_buffer_kib, "KiB");
}

}  // namespace

namespace {

// Each phase's wall time and the memory held after it at --log-level debug: where a long run
// spends its time and its memory.
class PhaseLog {
 public:
  void done(const char* what) {
    if (spdlog::should_log(spdlog::level::debug)) {
      const util::Resident r = util::resident();
      spdlog::debug("{:<12} {:.3f} s   resident {:.0f} MB, peak {:.0f} MB", what, util::seconds_since(start_),
                    static_cast<double>(r.now_bytes) / 1e6, static_cast<double>(r.peak_bytes) / 1e6);
    }
    start_ = std::chrono::steady_clock::now();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// `files_dir`: where the engines write files while they run (simulate()).
std::unique_ptr<Simulation> prepare(config::Config cfg, PhaseLog& phases, const std::string& files_dir) {
  auto sim = std::make_unique<Simulation>();
  sim->config = std::move(cfg);
  const config::Config& c = sim->config;
  sim->settings = RunSettings::from(c.section("run"));
  const RunSettings& rs = sim->settings;

  sim->full = full_run(c, rs);
  const mapping::Architecture arch = mapping::Architecture::from(c);

  // Models.
  sim->cell = models::CellRegistry::instance().create(c.section("cell"));
  sim->adc = models::AdcRegistry::instance().create(c.section("adc"));
  sim->dac = models::DacRegistry::instance().create(c.section("dac"));

  // An estimate that prices no writes needs no weight codes, and of the weights only their ranges
  // and zero blocks; of the calibration only the signs of the layer inputs (quantize_options.hpp).
  // Large float weights stay where they lie in the model file: quantization and the float
  // reference build one layer's matrix at a time. The worst-case search differentiates through
  // the float network and keeps them built.
  workload::QuantizeOptions qo;
  qo.products_on_arrays = arch.activation_products_on_arrays;
  qo.weight_codes = sim->full || !cost::writes_cost_nothing(cost::level_write_costs(*sim->cell, arch.bits_per_cell));
  qo.input_scales = sim->full;
  workload::LoadOptions lo;
  lo.weights_in_file = !c.section("analysis").flag("worst_case");
  load_workload(*sim, lo);
  phases.done("load");
  sim->qnet = workload::quantize(sim->network, sim->calibration, c.section("quantization"), qo);
  if (sim->full) util::return_freed_memory();  // the calibration pass's, before the long engine run
  phases.done("quantize");
  cost::require_write_costs(arch, *sim->cell, c.section("cell").model());
  if (arch.activation_products_on_arrays && c.section("analysis").flag("worst_case"))
    c.section("analysis").fail("worst_case", "the worst-case search perturbs programmed weights; products rewritten "
                                             "per input (mapping.activation_products: arrays) have none");
  if (sim->adc->bits() < 2 && arch.analog_pairs())
    c.section("adc").fail("bits", "a signed (differential) readout needs at least 2 bits");

  // Mapping, without digits (they are a byte per cell): the programming cost and the programming
  // of each chip compute them from the quantized weights one array at a time.
  sim->chip = mapping::map_network(sim->qnet, arch, sim->dac->bits(),
                                   sim->cell->max_bits_per_cell(), false);
  phases.done("map");
  const functional::DriftCompensation drift = functional::DriftCompensation::from(c.section("drift_compensation"));
  // Arrays rewritten per input are read right after their write: nothing drifts to rescale.
  for (auto& lm : sim->chip.layers)
    lm.output_scaling = drift.on() && lm.kind == mapping::LayerMap::Kind::Matrix && !lm.written;
  const double read_ns = functional::array_read_ns(*sim->dac, *sim->cell, sim->chip.arch.read_time_ns);
  sim->drive = functional::DriveLevels::of_chip(sim->chip.arch, *sim->dac, *sim->cell);
  engine::TimingParams& tp = sim->timing_params;
  tp = engine::timing_params(c, *sim->adc, rs.timing_inferences);
  tp.read_cycles = sim->chip.arch.cycles_of_ns(read_ns);
  // Programming is reported apart; rewrites between programming rounds stall the run.
  sim->programming = cost::programming_cost(sim->chip, *sim->cell, &sim->qnet, rs.threads);
  cost::add_weight_fetch(sim->programming, models::Dram::from(c.section("dram")), sim->chip.arch.bits_per_cell);
  tp.round_write_cycles = cost::round_write_cycles(sim->programming, sim->chip.arch);
  tp.rewrite_cycles = cost::rewrite_cycles(sim->chip, *sim->cell);
  tp.trace = report::trace_request(c.section("trace"), files_dir.empty() ? rs.output_dir : files_dir);
  phases.done("programming");
  settle_auto_sizes(*sim, tp);
  engine::set_buffer_ports(tp, c, sim->chip.arch);  // the buffer technologies at the settled sizes
  if (sim->full) check_calibration_memory(*sim);
  phases.done("auto sizes");
  return sim;
}

}  // namespace

std::unique_ptr<Simulation> prepare(config::Config cfg) {
  PhaseLog phases;
  return prepare(std::move(cfg), phases, "");
}

std::unique_ptr<Simulation> simulate(config::Config cfg, functional::LayerOutputSink* outputs,
                                     const std::string& files_dir) {
  const auto start = std::chrono::steady_clock::now();
  PhaseLog phases;
  // An estimate's steady-rate run starts at once, in a second process that loads, quantizes and
  // maps the network itself: the two processes then share no pages, so neither pays for copying
  // the ones the other writes (VGG-16: 11 k copy-on-write faults when it was forked from the
  // prepared run), and the second core prepares while the first does. A full run's starts after
  // the functional engine, which wants every core, from the prepared chip.
  std::optional<SteadyRateProcess> steady;
  try {
    const RunSettings rs = RunSettings::from(cfg.section("run"));
    if (!full_run(cfg, rs))
      steady.emplace(
          [&cfg, &files_dir] {
            PhaseLog quiet;
            const std::unique_ptr<Simulation> own = prepare(std::move(cfg), quiet, files_dir);
            return engine::longer_run_cycles(own->chip, own->timing_params);
          },
          rs.threads);
  } catch (const config::ConfigError&) {
    // prepare() meets the same error and reports it.
  }
  std::unique_ptr<Simulation> sim = prepare(std::move(cfg), phases, files_dir);
  const config::Config& c = sim->config;
  const engine::TimingParams& tp = sim->timing_params;

  // Functional engine: a full run, or only what the mapping says.
  const auto f_start = std::chrono::steady_clock::now();
  const functional::DriftCompensation drift = functional::DriftCompensation::from(c.section("drift_compensation"));
  if (sim->full) evaluate_on_chip(*sim, drift, outputs);
  else sim->eval = unevaluated(*sim);
  sim->functional_seconds = util::seconds_since(f_start);
  phases.done("functional");

  // Timing engine.
  util::check_cancelled();  // the engine's run is short and not interruptible: stop before it
  const auto t_start = std::chrono::steady_clock::now();
  if (!steady)  // on a second core, where allowed
    steady.emplace([&] { return engine::longer_run_cycles(sim->chip, tp); },
                   sim->settings.threads);
  sim->timing = engine::simulate(sim->chip, tp);
  phases.done("timing");
  sim->timing.steady_cycles_per_inference = steady->steady_cycles_per_inference(sim->chip, tp, sim->timing);
  phases.done("steady rate");
  sim->timing_seconds = util::seconds_since(t_start);

  // Costs: read energy as measured, or for uniform digits (docs/energy-area.md).
  const functional::Activity activity =
      sim->full ? sim->eval.mean_activity() : cost::uniform_activity(sim->chip, *sim->cell, sim->drive);
  sim->cost = cost::compute_costs({sim->chip, sim->timing, activity, *sim->cell, *sim->adc, *sim->dac, c});
  sim->cost.programming = sim->programming;
  phases.done("costs");
  sim->wall_seconds = util::seconds_since(start);
  return sim;
}

}  // namespace cimsim::run
