#pragma once
// The timing engine's interface. Nothing here includes SystemC: the rest of the simulator calls
// simulate() and gets cycles, per-layer spans, action counts and traffic back.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/functional/activity.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::engine {

struct TimingParams {
  int adc_conversion_cycles = 8;  // one conversion (the ADC model says: SAR = bits, flash = 1)
  int columns_per_adc = 8;
  int sample_hold_cycles = 1;
  std::int64_t read_cycles = 0;   // one array read (DAC drive and settling); 0: from array.read_time_ns
  int inferences = 1;  // inferences run back to back
};

// Bits moved through each kind of storage and link.
struct Traffic {
  std::int64_t global_buffer_read_bits = 0;
  std::int64_t global_buffer_write_bits = 0;
  std::int64_t input_buffer_write_bits = 0;
  std::int64_t input_buffer_read_bits = 0;
  std::int64_t output_buffer_write_bits = 0;
  std::int64_t bus_bits = 0;
  Traffic& operator+=(const Traffic& o);
};

struct LayerTiming {
  std::string name;
  std::int64_t start_cycle = 0, end_cycle = 0;
  functional::ActionCounts counts;  // every action of the layer (integer counts only)
  Traffic traffic;
  std::int64_t array_busy_cycles = 0;  // Σ over the layer's arrays of cycles reading or converting
  std::int64_t adc_busy_cycles = 0;    // Σ over the layer's ADC banks of converting cycles
  int arrays = 0;
  int tiles = 0;
};

struct TimingResult {
  std::int64_t cycles = 0;
  double cycle_ns = 1;
  double latency_ns() const { return static_cast<double>(cycles) * cycle_ns; }
  int inferences = 1;
  std::vector<LayerTiming> layers;  // ChipMap::layers order
  std::int64_t bus_busy_cycles = 0;
  std::int64_t global_buffer_peak_bits = 0;  // largest input + output of one layer (ping + pong)
  std::int64_t global_buffer_capacity_bits = 0;
  std::int64_t kernel_events = 0;  // SystemC process activations, for speed reporting
  double wall_seconds = 0;
};

// Runs the timing model of `chip` for `params.inferences` inferences. Deterministic.
TimingResult simulate(const mapping::ChipMap& chip, const TimingParams& params);

// Bits of a partial sum leaving a row block: sign plus the magnitude of rows·x_max·w_max.
int partial_sum_bits(const mapping::ChipMap& chip, const mapping::LayerMap& layer);

}  // namespace cimsim::engine
