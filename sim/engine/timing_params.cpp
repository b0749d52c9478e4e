#include "models/memories/chip_buffers.hpp"
#include "models/memories/dram.hpp"
#include "models/periphery/adc.hpp"
#include "sim/config/params.hpp"
#include "sim/engine/timing.hpp"
#include "sim/mapping/architecture.hpp"

namespace cimsim::engine {

TimingParams timing_params(const config::Config& config, const models::AdcModel& adc, int inferences) {
  TimingParams tp;
  const double clock_mhz = config.section("chip").real("clock_mhz");
  tp.adc_conversion_cycles = adc.conversion_cycles_at(clock_mhz);
  for (int b = 0; b <= adc.bits(); ++b) tp.adc_conversion_ns.push_back(b > 0 ? adc.conversion_time_ns(clock_mhz, b) : 0.0);
  tp.columns_per_adc = adc.common().columns_per_adc;
  tp.sample_hold_cycles = static_cast<int>(config.section("sample_hold").integer("latency_cycles"));
  tp.inferences = inferences;
  const mapping::Architecture arch = mapping::Architecture::from(config);
  if (!arch.input_buffer_auto && !arch.output_buffer_auto && !arch.global_buffer_auto)
    set_buffer_ports(tp, config, arch);
  const models::Dram dram = models::Dram::from(config.section("dram"));
  if (dram.enabled) tp.dram_bits_per_cycle = dram.bits_per_cycle(config.section("chip").real("clock_mhz"));
  return tp;
}

void set_buffer_ports(TimingParams& tp, const config::Config& config, const mapping::Architecture& arch) {
  const models::ChipBuffers buffers =
      models::ChipBuffers::of(config, {arch.input_buffer_kib, arch.output_buffer_kib, arch.global_buffer_kib});
  tp.input_read_cycles = buffers.input.read_cycles;
  tp.output_write_cycles = buffers.output.write_cycles;
  tp.global_read_cycles = buffers.global.read_cycles;
  tp.global_write_cycles = buffers.global.write_cycles;
}

}  // namespace cimsim::engine
