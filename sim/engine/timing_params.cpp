#include "models/periphery/adc.hpp"
#include "sim/config/params.hpp"
#include "sim/engine/timing.hpp"

namespace cimsim::engine {

TimingParams timing_params(const config::Config& config, const models::AdcModel& adc, int inferences) {
  TimingParams tp;
  const double clock_mhz = config.section("chip").real("clock_mhz");
  tp.adc_conversion_cycles = adc.conversion_cycles_at(clock_mhz);
  for (int b = 0; b <= adc.bits(); ++b) tp.adc_conversion_ns.push_back(b > 0 ? adc.conversion_time_ns(clock_mhz, b) : 0.0);
  tp.columns_per_adc = adc.common().columns_per_adc;
  tp.sample_hold_cycles = static_cast<int>(config.section("sample_hold").integer("latency_cycles"));
  tp.inferences = inferences;
  return tp;
}

}  // namespace cimsim::engine
