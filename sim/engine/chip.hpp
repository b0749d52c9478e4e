#pragma once
// The chip as SystemC modules: a control unit, a global buffer feeding tiles over a bus, tiles
// with input/output buffer ports, arrays (with their DAC and ADC banks) and, per column block,
// the digital path that adds row blocks, requantizes and writes outputs back. Modules talk through
// plain calls and events; each computes when its current action ends and sleeps until then.

#include <deque>
#include <memory>
#include <vector>

#include "sim/engine/interconnect.hpp"
#include "sim/engine/kernel.hpp"
#include "sim/engine/plan.hpp"
#include "sim/engine/timing.hpp"

namespace cimsim::engine {

class Chip;

// One tile's share of one layer's input: vectors that arrived in its input buffer and vectors
// every array on the tile has fetched (which frees their space).
struct TileInput {
  const TileShare* share = nullptr;
  std::int64_t arrived = 0;
  std::vector<std::int64_t> fetched;  // per array of the share, vectors fetched
  std::int64_t released = 0;          // min of fetched
  sc_core::sc_event arrived_event, released_event;
};

class Tile : public sc_core::sc_module {
 public:
  Tile(sc_core::sc_module_name name, const mapping::Architecture& arch);
  Port& input_buffer() { return input_read_; }
  Port& output_buffer() { return output_write_; }

 private:
  Port input_read_;
  Port output_write_;
};

// An array with its DAC bank, sample-and-holds and ADC bank, processing its layer's vectors in
// order. Reads follow each other; a read's sample waits for the ADCs to finish the previous read.
class ArrayUnit : public sc_core::sc_module {
 public:
  ArrayUnit(sc_core::sc_module_name name, Chip& chip, int index, TileInput& input, int slot_in_share);

 private:
  void run();
  Chip& chip_;
  int index_;
  TileInput& input_;
  int slot_;
  sc_core::sc_event done_;
};

// Partial sums of one column block meet at its home tile: remote row blocks arrive over the bus,
// the adder tree adds them, outputs are requantized, written to the output buffer and sent to
// the global buffer.
class ColumnBlock : public sc_core::sc_module {
 public:
  ColumnBlock(sc_core::sc_module_name name, Chip& chip, int layer, int block);
  // An array of this block finished vector v; its result is ready at cycle `ready`.
  void post(int array_position, std::int64_t ready);

 private:
  void run();
  Chip& chip_;
  int layer_, block_;
  std::vector<std::deque<std::int64_t>> ready_;  // per array position: ready cycles of vectors not yet taken
  sc_core::sc_event posted_, done_;
};

// The global buffer's side of a layer: reads input vectors out of the ping half and sends each
// tile its rows over the bus.
class GlobalBuffer : public sc_core::sc_module {
 public:
  GlobalBuffer(sc_core::sc_module_name name, Chip& chip);
  Port& read_port() { return read_; }

 private:
  void reader();
  void sender(int layer, TileInput* input);
  Chip& chip_;
  Port read_;
  std::vector<std::int64_t> read_count_;
  sc_core::sc_event read_event_, reader_done_;
  std::vector<std::unique_ptr<sc_core::sc_event>> sender_done_;
};

// Runs the layers in order (layer_serial): a layer starts when the previous one's outputs are all
// in the global buffer.
class ControlUnit : public sc_core::sc_module {
 public:
  ControlUnit(sc_core::sc_module_name name, Chip& chip);

 private:
  void run();
  Chip& chip_;
};

class Chip : public sc_core::sc_module {
 public:
  Chip(sc_core::sc_module_name name, const mapping::ChipMap& map, const ChipPlan& plan);
  ~Chip() override;

  const mapping::ChipMap& map;
  const ChipPlan& plan;
  std::vector<LayerTiming> stats;
  std::vector<std::unique_ptr<sc_core::sc_event>> layer_start;
  std::vector<int> blocks_done;
  sc_core::sc_event block_done_event;
  std::int64_t finished_at = 0;

  Bus bus;
  std::vector<std::unique_ptr<Tile>> tiles;
  std::vector<std::unique_ptr<GlobalBuffer>> global_buffer;  // one
  std::vector<std::vector<std::unique_ptr<TileInput>>> inputs;  // per layer, per tile share
  std::vector<std::unique_ptr<ArrayUnit>> arrays;
  std::vector<std::vector<std::unique_ptr<ColumnBlock>>> blocks;  // per layer
  std::vector<std::unique_ptr<ControlUnit>> control;  // one

  // Where array i sits: its column block and position among that block's row blocks.
  struct ArraySeat {
    int layer = 0, block = 0, position = 0;
  };
  std::vector<ArraySeat> seats;
};

}  // namespace cimsim::engine
