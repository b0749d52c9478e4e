#pragma once
// The chip as a SystemC model: a control unit, a global buffer, an interconnect and tiles.
//
// A station is one layer's share of one tile: the tile's arrays of a matrix layer (with their DAC
// banks, sample-and-holds, ADC banks and shift-adds) or the tile's digital unit for a digital layer.
// Each station has
//   - a compute process: waits until the input units its next unit needs are in the tile's input
//     buffer, then dispatches the unit to its arrays in slot order (fetch, reads, conversions; the
//     array's action chain is computed on the spot, so a vector costs one wake-up, not one per
//     read), and frees the input units no later unit needs;
//   - an output process: sends partial sums of column blocks homed elsewhere, waits for the partial
//     sums of the blocks homed here, adds and requantizes them, and writes the outputs to the
//     tile's output buffer;
//   - one sender process per destination: moves each output unit over the interconnect into a
//     consumer's input buffer (or the global buffer) once the consumer has room for it.
// The global buffer streams its units (layer inputs when layer_serial, the network input when
// pipelined) the same way. Processes sleep until their next action ends; nothing ticks. Each is a
// coroutine run by a SystemC method process (sim/engine/coroutine.hpp).

#include <deque>
#include <memory>
#include <vector>

#include "sim/engine/interconnect.hpp"
#include "sim/engine/kernel.hpp"
#include "sim/engine/plan.hpp"
#include "sim/engine/timing.hpp"
#include "sim/engine/trace_recorder.hpp"

namespace cimsim::engine {

// A tile's shared resources: the input buffer's read ports, the output buffer's write ports and
// the digital unit.
struct TileResources {
  ServerPool input_read, output_write, digital;
  int layers_track = -1;  // trace track of the tile's layers, made when first used
};

// Units staged for sending: `available` are ready, each sender sends them in order, and a unit's
// space frees when every sender has sent it.
struct Staging {
  std::int64_t available = 0;
  std::vector<std::int64_t> sent;  // per sender
  std::int64_t freed = 0;          // min over senders
  LazyEvent available_event, freed_event;

  void set_senders(std::size_t n);
  // Sender `index` has sent one more unit; true when that frees a unit. Constant time however many
  // senders there are (a global-buffer stream of VGG-16 has hundreds).
  bool advance(std::size_t index);

 private:
  std::deque<std::int64_t> senders_at_;  // [k]: senders that have sent freed + k units
};

// One input link of a station as the run goes: units delivered by each source, units arrived
// (delivered by all), units freed, and when each unit in the buffer arrived.
struct LinkState {
  const InputLink* link = nullptr;
  std::vector<std::int64_t> delivered;
  std::int64_t arrived = 0, released = 0;
  std::vector<std::int64_t> arrival_ring;
  std::int64_t arrival_time(std::int64_t unit) const {
    return arrival_ring[static_cast<std::size_t>(unit % static_cast<std::int64_t>(arrival_ring.size()))];
  }
};

struct StationState {
  std::vector<LinkState> inputs;
  LazyEvent arrived_event, released_event;
  // While the station waits for inputs: the link and the count it waits for. An arrival that
  // does not reach that count wakes it only where the wake would do something (fold units into an
  // accumulating link): a wake that finds too little only waits again.
  const LinkState* awaited_link = nullptr;
  std::int64_t awaited_units = 0;
  std::vector<std::int64_t> partial_sums_received;  // per source station
  std::vector<int> partial_sum_slot;                // per partial_sums_to entry: slot at the home
  // Notified when the partial sums of unit `partials_awaited` (−1: none awaited) are all in, not
  // on every arrival: a home waking once per source cost a wake-up per partial sum.
  LazyEvent partial_sum_event;
  std::int64_t partials_awaited = -1;
  bool partials_past(std::int64_t unit) const {
    for (std::int64_t r : partial_sums_received)
      if (r <= unit) return false;
    return true;
  }
  std::deque<std::pair<std::int64_t, std::int64_t>> results;  // (unit, ready cycle) from compute to output
  LazyEvent result_event, result_taken;
  Staging out;
  std::int64_t processed = 0;
  std::int64_t first_activity = -1, last_activity = 0;
};

struct StreamState {
  Staging staged;
  LazyEvent read_done;
};

class Chip : public sc_core::sc_module {
 public:
  Chip(sc_core::sc_module_name name, const mapping::ChipMap& map, const ChipPlan& plan, const TimingParams& params,
       TraceRecorder& trace);
  ~Chip() override;

  const mapping::ChipMap& map;
  const ChipPlan& plan;
  const TimingParams& params;
  TraceRecorder& trace;

  std::vector<LayerTiming> stats;
  std::vector<std::int64_t> inference_done;
  std::int64_t finished_at = -1;
  std::int64_t reprogram_cycles = 0;
  Arbitration arbitration{"arbitration"};
  std::unique_ptr<Interconnect> net;
  std::unique_ptr<Port> global_read;

  // Signals for the VCD (low rate: they change per layer or per inference).
  int vcd_layer = -1, vcd_layers_running = 0, vcd_inferences_done = 0, vcd_reprogramming = 0;

  // Explains, after a run that did not finish, which station waits for what.
  std::string stall_report() const;

 private:
  Process control();
  Process compute_matrix(int s);
  Process compute_digital(int s);
  Process output(int s);
  Process read_stream(int b);
  Process sender(Staging& staged, int index, int from_node, const Destination& d, int layer, std::int64_t units,
                 int priority);
  void spawn(const char* name, Process body);
  void spawn_senders(Staging& staged, const std::vector<Destination>& dests, int from_node, int layer,
                     std::int64_t units, int priority);

  Task<std::int64_t> wait_inputs(int s, std::int64_t unit);
  Task<> wait_result_slot(int s);
  // The unit's inputs leave the buffer at `release_at`; its result is ready for the output path at `ready`.
  Task<> finish_unit(int s, std::int64_t unit, std::int64_t release_at, std::int64_t ready);
  void release_inputs(int s, std::int64_t unit);
  // Frees every input unit that unit `next` of station `s` and its later units do not need.
  void release_before(int s, std::int64_t next);
  void deliver(const Destination& d, int layer, std::int64_t unit);
  void stage(Staging& staged, std::int64_t units);
  int node_of_station(int s) const { return plan.stations[static_cast<std::size_t>(s)].tile; }

  std::vector<TileResources> tiles_;
  std::vector<StationState> stations_;
  std::vector<StreamState> streams_;
  std::vector<std::unique_ptr<sc_core::sc_event>> layer_start_;
  std::vector<std::int64_t> layer_start_cycle_;
  // Global buffer writes: per layer, units delivered by each of its senders to the buffer.
  std::vector<std::vector<std::int64_t>> buffer_delivered_;
  std::vector<std::int64_t> layer_outputs_done_;  // units every buffer sender of the layer delivered
  std::vector<int> outputs_done_per_inference_;
  sc_core::sc_event buffer_event_;
  int output_layers_ = 0;
  std::vector<int> labels_;  // trace label of each layer

  struct RunningProcess {
    Process body;
    ProcessState state;
    sc_core::sc_process_handle method;
  };
  void end_processes();
  // Last, so that the frames (and the events in them) go before the events they wait on.
  std::deque<RunningProcess> processes_;
};

}  // namespace cimsim::engine
