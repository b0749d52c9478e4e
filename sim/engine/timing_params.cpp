#include "models/periphery/adc.hpp"
#include "sim/config/params.hpp"
#include "sim/engine/timing.hpp"

namespace cimsim::engine {

TimingParams timing_params(const config::Config& config, const models::AdcModel& adc, int inferences) {
  TimingParams tp;
  tp.adc_conversion_cycles = adc.conversion_cycles_at(config.section("chip").real("clock_mhz"));
  tp.columns_per_adc = adc.common().columns_per_adc;
  tp.sample_hold_cycles = static_cast<int>(config.section("sample_hold").integer("latency_cycles"));
  tp.inferences = inferences;
  return tp;
}

}  // namespace cimsim::engine
