#pragma once
// The timing engine's interface. Nothing here includes SystemC: the rest of the simulator calls
// simulate() and gets cycles, per-layer spans, action counts, traffic and (on request) a trace back.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/functional/activity.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::config {
class Config;
}
namespace cimsim::models {
class AdcModel;
}

namespace cimsim::engine {

// What to record while simulating. Both are off unless asked for.
struct TraceRequest {
  bool perfetto = false;            // slices for a Perfetto/Chrome trace (TimingResult::trace)
  std::int64_t max_slices = 200000;  // per-vector slices kept, an equal share per layer; later ones are counted, not kept
  std::string vcd_path;             // where sc_trace writes the VCD; empty: none
};

struct TimingParams {
  int adc_conversion_cycles = 8;  // one conversion (the ADC model says: SAR = bits, flash = 1)
  // One conversion at b bits, ns, indexed by b (the ADC model's time, clock-independent where it is
  // timed in ns); empty: adc_conversion_cycles at every resolution.
  std::vector<double> adc_conversion_ns;
  int columns_per_adc = 8;
  int sample_hold_cycles = 1;
  std::int64_t read_cycles = 0;  // one array read (DAC drive and settling); 0: from array.read_time_ns
  int inferences = 1;  // inferences run back to back (the batch)
  // Cycles to reprogram the arrays of each programming round (mapping::programming_rounds);
  // round 0 is programmed before the run and is not counted here. Missing entries count as 0.
  std::vector<std::int64_t> round_write_cycles;
  // Per ChipMap layer: cycles one rewrite of a written layer's arrays takes (cost::rewrite_cycles);
  // 0 or missing for layers whose weights stay put.
  std::vector<std::int64_t> rewrite_cycles;
  TraceRequest trace;
  // Cycles one word access occupies a buffer port (the buffer technology's latency over its banks,
  // models/memories/chip_buffers.hpp); 1: one word per cycle.
  int input_read_cycles = 1, output_write_cycles = 1, global_read_cycles = 1, global_write_cycles = 1;
  // Off-chip DRAM bits per cycle; 0: no DRAM, activations that do not fit the global buffer fail.
  double dram_bits_per_cycle = 0;
  // Refuse a schedule whose live activations exceed the global buffer. Off for the second,
  // longer run that measures the steady rate: it holds twice the inferences at once only to time
  // them, and the chip is judged on the run the user asked for.
  bool check_global_buffer = true;
};

// Bits moved through each kind of storage and link.
struct Traffic {
  std::int64_t global_buffer_read_bits = 0;
  std::int64_t global_buffer_write_bits = 0;
  std::int64_t input_buffer_write_bits = 0;
  std::int64_t input_buffer_read_bits = 0;
  std::int64_t output_buffer_write_bits = 0;
  std::int64_t bus_bits = 0;               // bits that crossed the interconnect (bus or mesh)
  std::int64_t interconnect_bit_hops = 0;  // Σ bits × links crossed (a bus transfer is one hop)
  std::int64_t dram_read_bits = 0, dram_write_bits = 0;  // activations spilled off chip
  Traffic& operator+=(const Traffic& o);
};

struct LayerTiming {
  std::string name;
  std::int64_t start_cycle = 0, end_cycle = 0;
  functional::ActionCounts counts;  // every action of the layer (integer counts only)
  std::int64_t control_ops = 0;       // addresses the control logic generates: buffer accesses and transfers
  Traffic traffic;
  std::int64_t array_busy_cycles = 0;  // Σ over the layer's arrays of cycles reading or converting
  std::int64_t adc_busy_cycles = 0;    // Σ over the layer's ADC banks of converting cycles
  std::int64_t digital_busy_cycles = 0;  // cycles the digital unit spent on this layer
  int arrays = 0;
  int tiles = 0;
  int round = 0;  // programming round
};

// Slices for a timeline viewer: one track per tile, array, ADC bank and interconnect link.
struct TraceLog {
  struct Track {
    std::string group;  // "tile 3", "interconnect", "control"
    std::string name;   // "array 17", "ADC bank 17", "link 4->5", "layers"
  };
  struct Slice {
    int track = 0;
    int name = 0;  // index into names
    std::int64_t start = 0, end = 0;  // cycles
  };
  std::vector<Track> tracks;
  std::vector<std::string> names;
  std::vector<Slice> slices;
  std::int64_t dropped = 0;  // per-vector slices past the limit
  double cycle_ns = 1;
};

struct TimingResult {
  std::int64_t cycles = 0;
  double cycle_ns = 1;
  double latency_ns() const { return static_cast<double>(cycles) * cycle_ns; }
  int inferences = 1;
  std::vector<LayerTiming> layers;  // ChipMap::layers order
  std::vector<std::int64_t> inference_done_cycles;  // when each inference's last output reached the global buffer
  std::int64_t bus_busy_cycles = 0;       // the bus, or the busiest mesh link
  std::int64_t link_busy_cycles = 0;      // Σ over interconnect links (the bus is one link)
  int links = 1;                          // links of the interconnect
  std::int64_t digital_busy_cycles = 0;   // Σ over tiles' digital units
  int rounds = 1;                         // programming rounds
  std::int64_t reprogram_cycles = 0;      // stalls while arrays were reprogrammed between rounds
  std::int64_t global_buffer_peak_bits = 0;  // most activations held at once
  std::int64_t global_buffer_capacity_bits = 0;
  std::int64_t kernel_events = 0;  // SystemC process activations, for speed reporting
  double wall_seconds = 0;
  std::shared_ptr<TraceLog> trace;  // when requested
  std::string vcd_file;             // written when requested

  // Cycles between the completions of the first and the last inference, per inference; 0 with one
  // inference. In a pipeline this is its steady interval; layer_serial completes a batch at once.
  double interval_cycles() const;
  // Cycles each further inference adds to a batch (set by steady_cycles_per_inference): the rate a
  // long run approaches, for either schedule; 0 when not measured.
  double steady_cycles_per_inference = 0;
};

// The parameters of a configured chip: conversion cycles and ADC sharing from the ADC model, the
// sample-and-hold latency from its section; no reprogramming writes, no traces. The buffers' port
// cycles come from their technologies when all three sizes are given; with an `auto` size they
// wait for set_buffer_ports on the settled architecture.
TimingParams timing_params(const config::Config& config, const models::AdcModel& adc, int inferences = 1);

// The cycles a word access occupies each buffer's port, from the buffer technologies at the
// architecture's buffer sizes (models/memories/chip_buffers.hpp).
void set_buffer_ports(TimingParams& tp, const config::Config& config, const mapping::Architecture& arch);

// Runs the timing model of `chip` for `params.inferences` inferences. Deterministic. Fails
// (config::ConfigError at the key that limits it) when a buffer cannot hold what the schedule
// needs at once.
TimingResult simulate(const mapping::ChipMap& chip, const TimingParams& params);

// Gives every `auto` buffer of `chip` (chip.arch's *_auto flags) the size the schedule of `params`
// needs (a stated rule per buffer, in sim/engine/plan_buffers.cpp) and clears its flag; the chip's
// costs and the timing engine then see a plain size. Fails (config::ConfigError at the key) when
// a buffer, given or chosen, cannot hold what the schedule needs.
void settle_buffers(mapping::ChipMap& chip, const TimingParams& params);

// Cycles one more inference adds in a long run: runs the engine again with twice the inferences of
// `run` (no traces) and returns the difference per added inference. Run times grow affinely with
// the batch in both schedules (a layer_serial layer streams the batch's vectors back to back; a
// pipeline completes one inference per slowest stage), so this is the steady-state cost, fill and
// per-batch reprogramming excluded.
double steady_cycles_per_inference(const mapping::ChipMap& chip, const TimingParams& params, const TimingResult& run);

// Bits of a partial sum leaving a row block: sign plus the magnitude of rows·x_max·w_max.
int partial_sum_bits(const mapping::ChipMap& chip, const mapping::LayerMap& layer);

}  // namespace cimsim::engine
