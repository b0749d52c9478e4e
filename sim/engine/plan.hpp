#pragma once
// What the timing model needs to know, worked out once from the mapping (plain C++, no SystemC):
// the stations (one per layer and tile: the tile's arrays of a matrix layer, or the tile's digital
// unit for a digital layer), what each station receives per unit from each producer, where each
// column block's partial sums meet, where outputs go, and what every array does per vector.

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/timing.hpp"
#include "sim/engine/window.hpp"

namespace cimsim::engine {

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Producer index of the network input.
constexpr int kNetworkInput = -1;
// Destination station index of the global buffer.
constexpr int kGlobalBuffer = -1;

struct ArrayWork {
  int reads = 0;                       // per vector: input slices × sub-reads
  int rounds = 0;                      // per vector: conversion rounds, slice groups × sub-reads
  int reads_per_round = 1;             // reads integrated before each round's conversions
  std::int64_t fetch_bits = 0;         // rows × activation bits
  std::int64_t conversion_cycles = 0;  // per round: ⌈conversions / ADCs⌉ × one conversion's ns, in cycles
  // Per slice group when adc.significance_bits gives the groups different bits (round r converts
  // group r mod groups); empty: every round takes conversion_cycles.
  std::vector<std::int64_t> group_conversion_cycles;
  std::int64_t round_conversion_cycles(std::int64_t round) const {
    return group_conversion_cycles.empty()
               ? conversion_cycles
               : group_conversion_cycles[static_cast<std::size_t>(round % static_cast<std::int64_t>(group_conversion_cycles.size()))];
  }
  functional::ActionCounts per_vector;  // actions of one vector on this array
  // Arrays rewritten per input (LayerMap::written): before every vectors_per_write-th vector of a
  // sample the array is written for write_cycles, its cells_per_write cells; 0: never rewritten.
  std::int64_t vectors_per_write = 0;
  std::int64_t write_cycles = 0;
  std::int64_t cells_per_write = 0;
};

// One input stream of a station: the units of one producer.
struct InputLink {
  int producer = kNetworkInput;   // ChipMap::layers index
  Window window;
  std::int64_t bits_per_unit = 0;  // what this station needs of one producer unit
  std::int64_t capacity_units = 1;  // units its share of the tile input buffer holds
  int sources = 1;                 // senders delivering pieces of each unit
  // A whole-map reduction (global pooling) folds each unit into an accumulator as it arrives, so
  // it holds one unit at a time instead of the whole map.
  bool accumulate = false;
};

// Where a station's (or the global buffer's) units go: an input link of a station, or the global
// buffer.
struct Destination {
  int station = kGlobalBuffer;
  int link = 0;
  std::int64_t bits = 0;  // per unit
  int source_slot = 0;    // which of the link's sources (or of the layer's global-buffer writers) this is
  // The sender's units are those of copy `copy` of `copies` (LayerMap::copies): its local unit i is
  // unit copy + i·copies of the layer. Delivering local unit i leaves the next unit this source
  // owes at next_owed(i); before any, at copy.
  int copy = 0, copies = 1;
  std::int64_t next_owed(std::int64_t local) const { return copy + (local + 1) * copies; }
};

struct Station {
  int layer = 0, tile = 0;
  bool digital = false;
  std::int64_t units = 1;  // per sample
  // Copy `copy` of `copies` of the layer's weights (LayerMap::copies): it computes the units u
  // (numbered across samples) with u mod copies = copy.
  int copy = 0, copies = 1;
  // Units of the `total` numbered from 0 that fall to this station's copy.
  std::int64_t own_units(std::int64_t total) const { return total > copy ? (total - copy + copies - 1) / copies : 0; }
  std::vector<int> arrays;  // matrix: ChipMap::arrays on this tile, in slot order
  std::vector<InputLink> inputs;

  // Output side. A station holding row blocks of a column block homed elsewhere sends their
  // partial sums there; a home adds them, requantizes and writes the outputs it holds.
  std::vector<std::pair<int, std::int64_t>> partial_sums_to;  // (home station, bits per unit)
  int partial_sum_sources = 0;
  bool home = false;
  std::int64_t out_bits = 0;  // bits per unit written to the output buffer
  std::int64_t adder_cycles = 0, requantize_cycles = 0;
  std::int64_t out_capacity_units = 1;
  std::vector<Destination> destinations;
  functional::ActionCounts per_unit;  // layer-level digital work per unit (row-block adds, requantize ...)

  // Digital stations.
  std::int64_t digital_cycles_per_unit = 0;
};

// The global buffer reading one producer's units for a consumer layer (layer_serial: every
// layer's inputs; pipelined: the network input).
struct BufferStream {
  int layer = 0;                   // consumer
  int producer = kNetworkInput;
  std::int64_t units = 1;          // per sample
  std::int64_t read_bits = 0;      // one unit, all channels
  std::vector<Destination> destinations;
};

struct LayerPlan {
  std::int64_t units = 1;  // per sample
  std::vector<int> stations;
  std::vector<int> homes;     // stations that write the layer's outputs
  std::vector<int> streams;   // global buffer streams feeding it
  int round = 0;
  bool network_output = false;  // no layer consumes it
  int buffer_senders = 0;       // senders writing its units into the global buffer
  functional::ActionCounts per_sample_digital;  // digital layers: work per sample
};

struct ChipPlan {
  mapping::Schedule schedule = mapping::Schedule::LayerSerial;
  std::int64_t inferences = 1;
  std::vector<LayerPlan> layers;
  std::vector<Station> stations;
  std::vector<BufferStream> streams;
  std::vector<ArrayWork> arrays;  // ChipMap::arrays order
  int rounds = 1;
  std::int64_t read_cycles = 0;
  std::int64_t sample_hold_cycles = 0;
  bool integrate = false;  // readout.pipelining: integrate (no sample-and-hold, no overlap)
  std::int64_t buffer_width = 1, global_width = 1;
  std::int64_t input_read_cycles = 1, output_write_cycles = 1, global_read_cycles = 1, global_write_cycles = 1;
  // Off-chip DRAM: bits per cycle, and the share of each layer's output (and of the network input)
  // the global buffer cannot hold, which lives in DRAM.
  double dram_bits_per_cycle = 0;
  std::vector<double> spilled_fraction;  // ChipMap::layers order
  double input_spilled_fraction = 0;
  int adcs_per_array = 1;
  int tiles = 1;
  std::int64_t global_buffer_peak_bits = 0;
  // Pipelined: the join (a residual add) whose share of its tile's input buffer falls furthest
  // short of the units its skip branch may run ahead by (docs/timing.md); needed 0: none.
  struct JoinShortfall {
    std::string layer;
    int tile = 0;
    std::int64_t needed = 0, held = 0;  // units
  } join_shortfall;
  // Buffer sizes the plan runs with: the configured ones, or what `auto` chose.
  double input_buffer_kib = 0, output_buffer_kib = 0, global_buffer_kib = 0;
};

// Cycles the DRAM interface takes for `bits`.
inline std::int64_t dram_cycles(const ChipPlan& plan, std::int64_t bits) {
  return bits > 0 ? static_cast<std::int64_t>(std::ceil(static_cast<double>(bits) / plan.dram_bits_per_cycle - 1e-9)) : 0;
}

// Fails (config::ConfigError at the key that limits it) when a buffer cannot hold what the
// schedule needs at once.
ChipPlan make_plan(const mapping::ChipMap& chip, const TimingParams& params);

// Units one sample of a layer produces (output pixels, vectors, or 1).
std::int64_t units_per_sample(const mapping::LayerMap& lm);

}  // namespace cimsim::engine
