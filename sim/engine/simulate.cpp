// Runs the SystemC model of a mapped chip in a fresh simulation context.

#include <chrono>
#include <cmath>
#include <mutex>

#include "sim/config/error.hpp"
#include "sim/engine/chip.hpp"
#include "sim/engine/steady_rate.hpp"
#include "sim/engine/vcd.hpp"
#include "sim/util/log.hpp"
#include "sim/util/seconds_since.hpp"

namespace cimsim::engine {

Traffic& Traffic::operator+=(const Traffic& o) {
  global_buffer_read_bits += o.global_buffer_read_bits;
  global_buffer_write_bits += o.global_buffer_write_bits;
  input_buffer_write_bits += o.input_buffer_write_bits;
  input_buffer_read_bits += o.input_buffer_read_bits;
  output_buffer_write_bits += o.output_buffer_write_bits;
  dram_read_bits += o.dram_read_bits;
  dram_write_bits += o.dram_write_bits;
  bus_bits += o.bus_bits;
  interconnect_bit_hops += o.interconnect_bit_hops;
  return *this;
}

double TimingResult::interval_cycles() const {
  if (inference_done_cycles.size() < 2) return 0;
  return static_cast<double>(inference_done_cycles.back() - inference_done_cycles.front()) /
         static_cast<double>(inference_done_cycles.size() - 1);
}

namespace {

std::mutex& kernel_mutex() {
  static std::mutex m;
  return m;
}

double g_cycle_ns = 1;
double sim_time_ns() { return static_cast<double>(now_cycles()) * g_cycle_ns; }

// SystemC keeps one global kernel; each run gets a new one so that runs do not see each other, and
// the previous run's kernel (its processes, their stacks) goes. The context SystemC made for itself
// at start-up is never deleted: its static objects (events made before any run) point into it and
// touch it when the process exits.
void fresh_kernel() {
  static sc_core::sc_simcontext* const systemc_own = sc_core::sc_get_curr_simcontext();
  static sc_core::sc_simcontext* ours = nullptr;
  (void)systemc_own;
  delete ours;
  ours = new sc_core::sc_simcontext();
  sc_core::sc_curr_simcontext = ours;
  sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
}

}  // namespace

TimingResult simulate(const mapping::ChipMap& map, const TimingParams& params) {
  std::lock_guard<std::mutex> lock(kernel_mutex());
  const auto wall_start = std::chrono::steady_clock::now();
  const ChipPlan plan = make_plan(map, params);
  const double plan_s = util::seconds_since(wall_start);

  TimingResult result;
  result.inferences = params.inferences;
  result.cycle_ns = map.arch.cycle_ns();
  result.global_buffer_capacity_bits = static_cast<std::int64_t>(plan.global_buffer_kib * 8192.0);
  result.global_buffer_peak_bits = plan.global_buffer_peak_bits;
  result.rounds = plan.rounds;
  if (params.trace.perfetto) {
    result.trace = std::make_shared<TraceLog>();
    result.trace->cycle_ns = result.cycle_ns;
  }
  TraceRecorder recorder(result.trace.get(), params.trace.max_slices);

  fresh_kernel();
  kernel_cycle_ps() = std::max<std::int64_t>(1, std::llround(result.cycle_ns * 1000.0));
  kernel_wakeups() = 0;
  g_cycle_ns = result.cycle_ns;
  std::string stall;
  double build_s = 0, run_s = 0;
  sc_dt::uint64 deltas = 0;  // SystemC delta cycles of the run
  {
    auto t = std::chrono::steady_clock::now();
    Chip chip("chip", map, plan, params, recorder);
    build_s = util::seconds_since(t);
    t = std::chrono::steady_clock::now();
    std::unique_ptr<VcdTrace> vcd;
    if (!params.trace.vcd_path.empty()) vcd = std::make_unique<VcdTrace>(params.trace.vcd_path, chip);
    log::set_sim_time_source(&sim_time_ns);
    const sc_dt::uint64 deltas_before = sc_core::sc_delta_count();
    sc_core::sc_start();
    deltas = sc_core::sc_delta_count() - deltas_before;
    log::set_sim_time_source(nullptr);
    run_s = util::seconds_since(t);
    if (vcd) result.vcd_file = vcd->close();
    if (chip.finished_at < 0) stall = chip.stall_report();
    result.cycles = chip.finished_at;
    result.layers = chip.stats;
    result.inference_done_cycles = chip.inference_done;
    result.bus_busy_cycles = chip.net->busiest_link_cycles();
    result.link_busy_cycles = chip.net->link_busy_cycles();
    result.links = chip.net->links();
    result.reprogram_cycles = chip.reprogram_cycles;
    for (const auto& l : result.layers) result.digital_busy_cycles += l.digital_busy_cycles;
  }
  if (!stall.empty())
    map.arch.tile_params.fail("input_buffer_kib",
                              "the schedule stalls for lack of buffer space: " + stall +
                                  "; give the tiles larger buffers (tile.input_buffer_kib, tile.output_buffer_kib)");
  result.kernel_events = kernel_wakeups();
  result.wall_seconds = util::seconds_since(wall_start);
  spdlog::debug("timing engine: plan {:.3f} s, chip built {:.3f} s, run {:.3f} s ({} wake-ups, {} delta cycles), chip taken "
                "down {:.3f} s",
                plan_s, build_s, run_s, result.kernel_events, deltas, result.wall_seconds - plan_s - build_s - run_s);
  return result;
}

void settle_buffers(mapping::ChipMap& chip, const TimingParams& params) {
  mapping::Architecture& arch = chip.arch;
  // Planned even when no size is `auto`: the plan refuses buffers too small for the schedule, and
  // `cimsim check` stops after this.
  const ChipPlan plan = make_plan(chip, params);
  if (const auto& j = plan.join_shortfall; j.needed > 0)
    spdlog::warn("tile.input_buffer_kib: the residual join '{}' on tile {} may have to hold {} units of its earlier "
                 "branch while the other catches up, and its share of the input buffer holds {}; the pipeline may "
                 "stall (tile.input_buffer_kib: auto sizes it for this)",
                 j.layer, j.tile, j.needed, j.held);
  arch.input_buffer_kib = plan.input_buffer_kib;
  arch.output_buffer_kib = plan.output_buffer_kib;
  arch.global_buffer_kib = plan.global_buffer_kib;
  arch.input_buffer_auto = arch.output_buffer_auto = arch.global_buffer_auto = false;
}

std::int64_t longer_run_cycles(const mapping::ChipMap& chip, const TimingParams& params) {
  TimingParams twice = params;
  twice.inferences = 2 * params.inferences;
  twice.trace = TraceRequest{};
  twice.check_global_buffer = false;
  return simulate(chip, twice).cycles;
}

double steady_cycles_from(std::int64_t run_cycles, std::int64_t longer_cycles, int inferences) {
  return static_cast<double>(longer_cycles - run_cycles) / inferences;
}

double steady_cycles_per_inference(const mapping::ChipMap& chip, const TimingParams& params, const TimingResult& run) {
  return steady_cycles_from(run.cycles, longer_run_cycles(chip, params), params.inferences);
}

}  // namespace cimsim::engine

// libsystemc's own main() calls sc_main. Programs using this library have their own entry point
// and start the kernel through simulate(), so the symbol only has to exist for the linker.
extern "C" int sc_main(int, char**) { return 0; }
