#include "sim/engine/chip.hpp"

#include <algorithm>
#include <string>

namespace cimsim::engine {

using sc_core::sc_event;

namespace {
// Bus priorities: traffic that drains the chip goes first, so outputs never wait behind inputs.
constexpr int kPriorityOutput = 0;
constexpr int kPriorityPartial = 1 << 20;
constexpr int kPriorityInput = 2 << 20;
}  // namespace

Tile::Tile(sc_core::sc_module_name name, const mapping::Architecture& arch)
    : sc_core::sc_module(name),
      input_read_("input_buffer_read", arch.buffer_read_ports),
      output_write_("output_buffer_write", arch.buffer_write_ports) {}

// --- arrays -----------------------------------------------------------------------------------

ArrayUnit::ArrayUnit(sc_core::sc_module_name name, Chip& chip, int index, TileInput& input, int slot)
    : sc_core::sc_module(name), chip_(chip), index_(index), input_(input), slot_(slot) {
  SC_HAS_PROCESS(ArrayUnit);
  SC_THREAD(run);
}

void ArrayUnit::run() {
  const Chip::ArraySeat seat = chip_.seats[static_cast<std::size_t>(index_)];
  const ArrayWork& work = chip_.plan.arrays[static_cast<std::size_t>(index_)];
  const LayerPlan& lp = chip_.plan.layers[static_cast<std::size_t>(seat.layer)];
  LayerTiming& stats = chip_.stats[static_cast<std::size_t>(seat.layer)];
  Tile& tile = *chip_.tiles[static_cast<std::size_t>(input_.share->tile)];
  const std::int64_t t_read = chip_.plan.read_cycles;
  const std::int64_t t_sh = chip_.plan.sample_hold_cycles;
  const std::int64_t t_conv = work.conversion_cycles;
  ColumnBlock& block = *chip_.blocks[static_cast<std::size_t>(seat.layer)][static_cast<std::size_t>(seat.block)];

  ++kernel_wakeups();
  sc_core::wait(*chip_.layer_start[static_cast<std::size_t>(seat.layer)]);
  std::int64_t rows_free = now_cycles();  // the DACs may load a new vector
  std::int64_t adc_free = now_cycles();   // the ADC bank has converted everything held
  for (std::int64_t v = 0; v < lp.vectors; ++v) {
    while (input_.arrived <= v) {
      ++kernel_wakeups();
      sc_core::wait(input_.arrived_event);
    }
    wait_until(rows_free);
    tile.input_buffer().use(slot_, ceil_div(work.fetch_bits, chip_.plan.buffer_width), done_);
    // This array has the vector; the buffer slot is free once every array of the tile has it.
    input_.fetched[static_cast<std::size_t>(slot_)] = v + 1;
    const std::int64_t released = *std::min_element(input_.fetched.begin(), input_.fetched.end());
    if (released > input_.released) {
      input_.released = released;
      input_.released_event.notify(sc_core::SC_ZERO_TIME);
    }
    // Reads, one per input slice and row group: drive and settle, sample once the ADCs are free,
    // convert while the next read settles.
    std::int64_t t = now_cycles();
    for (int k = 0; k < work.reads; ++k) {
      const std::int64_t sample_start = std::max(t + t_read, adc_free);
      t = sample_start + t_sh;
      adc_free = t + t_conv;
      stats.array_busy_cycles += t_read + t_sh;
      stats.adc_busy_cycles += t_conv * chip_.plan.adcs_per_array;
    }
    rows_free = t;
    stats.counts += work.per_vector;
    stats.traffic.input_buffer_read_bits += work.fetch_bits;
    // The last code is shift-added one cycle after its conversion.
    block.post(seat.position, adc_free + 1);
  }
}

// --- column blocks ------------------------------------------------------------------------------

ColumnBlock::ColumnBlock(sc_core::sc_module_name name, Chip& chip, int layer, int block)
    : sc_core::sc_module(name), chip_(chip), layer_(layer), block_(block) {
  SC_HAS_PROCESS(ColumnBlock);
  SC_THREAD(run);
  const auto& cp = chip.plan.layers[static_cast<std::size_t>(layer)].column_blocks[static_cast<std::size_t>(block)];
  ready_.resize(cp.arrays.size());
}

void ColumnBlock::post(int position, std::int64_t ready) {
  ready_[static_cast<std::size_t>(position)].push_back(ready);
  posted_.notify(sc_core::SC_ZERO_TIME);
}

void ColumnBlock::run() {
  const LayerPlan& lp = chip_.plan.layers[static_cast<std::size_t>(layer_)];
  const ColumnBlockPlan& cp = lp.column_blocks[static_cast<std::size_t>(block_)];
  LayerTiming& stats = chip_.stats[static_cast<std::size_t>(layer_)];
  Tile& home = *chip_.tiles[static_cast<std::size_t>(cp.home_tile)];
  GlobalBuffer& gb = *chip_.global_buffer.front();
  (void)gb;
  const int priority = block_;

  ++kernel_wakeups();
  sc_core::wait(*chip_.layer_start[static_cast<std::size_t>(layer_)]);
  for (std::int64_t v = 0; v < lp.vectors; ++v) {
    auto all_posted = [&] {
      return std::all_of(ready_.begin(), ready_.end(), [](const auto& q) { return !q.empty(); });
    };
    while (!all_posted()) {
      ++kernel_wakeups();
      sc_core::wait(posted_);
    }
    std::int64_t ready = 0;
    for (auto& q : ready_) {
      ready = std::max(ready, q.front());
      q.pop_front();
    }
    wait_until(ready);
    for (std::size_t r = 0; r < cp.remote_tiles.size(); ++r) {
      chip_.bus.transfer(kPriorityPartial + priority, cp.partial_bits, done_);
      stats.traffic.bus_bits += cp.partial_bits;
    }
    // Adder tree over the row blocks, then one cycle to scale, add the bias and requantize.
    wait_until(now_cycles() + cp.adder_cycles + 1);
    home.output_buffer().use(priority, ceil_div(cp.output_bits, chip_.plan.buffer_width), done_);
    stats.traffic.output_buffer_write_bits += cp.output_bits;
    // To the global buffer's pong half: the slower of the bus and the buffer port sets the pace.
    chip_.bus.transfer(kPriorityOutput + priority, cp.output_bits, done_,
                       ceil_div(cp.output_bits, chip_.plan.global_width));
    stats.traffic.bus_bits += cp.output_bits;
    stats.traffic.global_buffer_write_bits += cp.output_bits;
    functional::ActionCounts unit = lp.per_vector_block_unit;
    stats.counts.digital_adds += (unit.digital_adds + cp.row_blocks - 1) * cp.outputs;
    stats.counts.digital_mults += unit.digital_mults * cp.outputs;
  }
  ++chip_.blocks_done[static_cast<std::size_t>(layer_)];
  chip_.block_done_event.notify(sc_core::SC_ZERO_TIME);
}

// --- global buffer --------------------------------------------------------------------------------

GlobalBuffer::GlobalBuffer(sc_core::sc_module_name name, Chip& chip)
    : sc_core::sc_module(name), chip_(chip), read_("read_port", 1) {
  SC_HAS_PROCESS(GlobalBuffer);
  SC_THREAD(reader);
  read_count_.assign(chip.plan.layers.size(), 0);
  for (std::size_t l = 0; l < chip.plan.layers.size(); ++l) {
    for (auto& input : chip.inputs[l]) {
      TileInput* in = input.get();
      const int layer = static_cast<int>(l);
      sender_done_.push_back(std::make_unique<sc_event>());
      sc_core::sc_spawn_options opt;
      sc_core::sc_spawn([this, layer, in] { sender(layer, in); },
                        sc_core::sc_gen_unique_name("sender"), &opt);
    }
  }
}

void GlobalBuffer::reader() {
  for (std::size_t l = 0; l < chip_.plan.layers.size(); ++l) {
    const LayerPlan& lp = chip_.plan.layers[l];
    if (lp.digital) continue;
    LayerTiming& stats = chip_.stats[l];
    ++kernel_wakeups();
    sc_core::wait(*chip_.layer_start[l]);
    for (std::int64_t v = 0; v < lp.vectors; ++v) {
      read_.use(0, ceil_div(lp.input_bits, chip_.plan.global_width), reader_done_);
      stats.traffic.global_buffer_read_bits += lp.input_bits;
      stats.counts += lp.per_vector_layer;
      read_count_[l] = v + 1;
      read_event_.notify(sc_core::SC_ZERO_TIME);
    }
  }
}

void GlobalBuffer::sender(int layer, TileInput* in) {
  const auto l = static_cast<std::size_t>(layer);
  const LayerPlan& lp = chip_.plan.layers[l];
  LayerTiming& stats = chip_.stats[l];
  sc_event done;
  ++kernel_wakeups();
  sc_core::wait(*chip_.layer_start[l]);
  for (std::int64_t v = 0; v < lp.vectors; ++v) {
    while (read_count_[l] <= v) {
      ++kernel_wakeups();
      sc_core::wait(read_event_);
    }
    while (in->arrived - in->released >= in->share->capacity_vectors) {
      ++kernel_wakeups();
      sc_core::wait(in->released_event);
    }
    chip_.bus.transfer(kPriorityInput + in->share->tile, in->share->input_bits, done);
    stats.traffic.bus_bits += in->share->input_bits;
    stats.traffic.input_buffer_write_bits += in->share->input_bits;
    in->arrived = v + 1;
    in->arrived_event.notify(sc_core::SC_ZERO_TIME);
  }
}

// --- control ------------------------------------------------------------------------------------

ControlUnit::ControlUnit(sc_core::sc_module_name name, Chip& chip) : sc_core::sc_module(name), chip_(chip) {
  SC_HAS_PROCESS(ControlUnit);
  SC_THREAD(run);
}

void ControlUnit::run() {
  for (std::size_t l = 0; l < chip_.plan.layers.size(); ++l) {
    LayerTiming& stats = chip_.stats[l];
    stats.start_cycle = now_cycles();
    const LayerPlan& lp = chip_.plan.layers[l];
    if (lp.digital) {
      // The digital unit's work is counted; its latency is not modelled yet.
      for (std::int64_t v = 0; v < lp.vectors; ++v) stats.counts += lp.per_vector_layer;
      stats.end_cycle = now_cycles();
      continue;
    }
    chip_.layer_start[l]->notify(sc_core::SC_ZERO_TIME);
    const int blocks = static_cast<int>(chip_.plan.layers[l].column_blocks.size());
    while (chip_.blocks_done[l] < blocks) {
      ++kernel_wakeups();
      sc_core::wait(chip_.block_done_event);
    }
    stats.end_cycle = now_cycles();
  }
  chip_.finished_at = now_cycles();
}

// --- assembly -----------------------------------------------------------------------------------

Chip::Chip(sc_core::sc_module_name name, const mapping::ChipMap& m, const ChipPlan& p)
    : sc_core::sc_module(name), map(m), plan(p), bus("bus", p.bus_width, p.bus_latency) {
  const std::size_t n_layers = plan.layers.size();
  stats.resize(n_layers);
  blocks_done.assign(n_layers, 0);
  for (std::size_t l = 0; l < n_layers; ++l) layer_start.push_back(std::make_unique<sc_event>());

  for (int t = 0; t < map.tiles_used; ++t)
    tiles.push_back(std::make_unique<Tile>(("tile_" + std::to_string(t)).c_str(), map.arch));

  seats.resize(map.arrays.size());
  inputs.resize(n_layers);
  blocks.resize(n_layers);
  for (std::size_t l = 0; l < n_layers; ++l) {
    const LayerPlan& lp = plan.layers[l];
    const mapping::LayerMap& lm = map.layers[l];
    stats[l].name = lm.name;
    stats[l].arrays = static_cast<int>(lm.arrays.size());
    stats[l].tiles = static_cast<int>(lp.tiles.size());
    for (std::size_t b = 0; b < lp.column_blocks.size(); ++b) {
      const auto& cp = lp.column_blocks[b];
      for (std::size_t pos = 0; pos < cp.arrays.size(); ++pos)
        seats[static_cast<std::size_t>(cp.arrays[pos])] = {static_cast<int>(l), static_cast<int>(b), static_cast<int>(pos)};
      const std::string bname = "layer" + std::to_string(l) + "_block" + std::to_string(b);
      blocks[l].push_back(std::make_unique<ColumnBlock>(bname.c_str(), *this, static_cast<int>(l), static_cast<int>(b)));
    }
    for (const TileShare& share : lp.tiles) {
      auto input = std::make_unique<TileInput>();
      input->share = &share;
      input->fetched.assign(share.arrays.size(), 0);
      for (std::size_t s = 0; s < share.arrays.size(); ++s) {
        const int ai = share.arrays[s];
        const std::string aname = "array_" + std::to_string(ai);
        arrays.push_back(std::make_unique<ArrayUnit>(aname.c_str(), *this, ai, *input, static_cast<int>(s)));
      }
      inputs[l].push_back(std::move(input));
    }
  }
  global_buffer.push_back(std::make_unique<GlobalBuffer>("global_buffer", *this));
  control.push_back(std::make_unique<ControlUnit>("control_unit", *this));
}

Chip::~Chip() = default;

}  // namespace cimsim::engine
