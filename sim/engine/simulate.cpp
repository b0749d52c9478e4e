// Runs the SystemC model of a mapped chip in a fresh simulation context.

#include <chrono>
#include <mutex>

#include "sim/engine/chip.hpp"
#include "sim/util/log.hpp"

namespace cimsim::engine {

Traffic& Traffic::operator+=(const Traffic& o) {
  global_buffer_read_bits += o.global_buffer_read_bits;
  global_buffer_write_bits += o.global_buffer_write_bits;
  input_buffer_write_bits += o.input_buffer_write_bits;
  input_buffer_read_bits += o.input_buffer_read_bits;
  output_buffer_write_bits += o.output_buffer_write_bits;
  bus_bits += o.bus_bits;
  return *this;
}

namespace {

std::mutex& kernel_mutex() {
  static std::mutex m;
  return m;
}

double g_cycle_ns = 1;
double sim_time_ns() { return static_cast<double>(now_cycles()) * g_cycle_ns; }

// SystemC keeps one global kernel; each run gets a new one so that runs do not see each other.
void fresh_kernel() {
  sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
  sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
  sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
}

}  // namespace

TimingResult simulate(const mapping::ChipMap& map, const TimingParams& params) {
  std::lock_guard<std::mutex> lock(kernel_mutex());
  const auto wall_start = std::chrono::steady_clock::now();
  const ChipPlan plan = make_plan(map, params);

  TimingResult result;
  result.inferences = params.inferences;
  result.cycle_ns = map.arch.cycle_ns();
  result.global_buffer_capacity_bits = static_cast<std::int64_t>(map.arch.global_buffer_kib * 8192.0);
  for (const auto& lm : map.layers)
    result.global_buffer_peak_bits =
        std::max(result.global_buffer_peak_bits,
                 (lm.input_elements + lm.output_elements) * lm.activation_bits * params.inferences);

  fresh_kernel();
  kernel_wakeups() = 0;
  g_cycle_ns = result.cycle_ns;
  {
    Chip chip("chip", map, plan);
    log::set_sim_time_source(&sim_time_ns);
    sc_core::sc_start();
    log::set_sim_time_source(nullptr);
    result.cycles = chip.finished_at;
    result.layers = chip.stats;
    result.bus_busy_cycles = chip.bus.busy_cycles();
  }
  result.kernel_events = kernel_wakeups();
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace cimsim::engine

// libsystemc's own main() calls sc_main. Programs using this library have their own entry point
// and start the kernel through simulate(), so the symbol only has to exist for the linker.
extern "C" int sc_main(int, char**) { return 0; }
