#include "sim/engine/chip.hpp"

#include <algorithm>
#include <string>

namespace cimsim::engine {

Chip::Chip(sc_core::sc_module_name name, const mapping::ChipMap& m, const ChipPlan& p, const TimingParams& tp,
           TraceRecorder& tr)
    : sc_core::sc_module(name), map(m), plan(p), params(tp), trace(tr) {
  const std::size_t L = plan.layers.size();
  const mapping::Architecture& arch = map.arch;
  stats.resize(L);
  inference_done.assign(static_cast<std::size_t>(plan.inferences), -1);
  outputs_done_per_inference_.assign(static_cast<std::size_t>(plan.inferences), 0);
  layer_start_cycle_.assign(L, 0);
  layer_outputs_done_.assign(L, 0);
  buffer_delivered_.resize(L);
  for (std::size_t l = 0; l < L; ++l) {
    const mapping::LayerMap& lm = map.layers[l];
    const LayerPlan& lp = plan.layers[l];
    stats[l].name = lm.name;
    stats[l].arrays = static_cast<int>(lm.placed_arrays());
    std::vector<int> tiles;
    for (int s : lp.stations) tiles.push_back(plan.stations[static_cast<std::size_t>(s)].tile);
    std::sort(tiles.begin(), tiles.end());
    stats[l].tiles = static_cast<int>(std::unique(tiles.begin(), tiles.end()) - tiles.begin());
    stats[l].round = lp.round;
    buffer_delivered_[l].assign(static_cast<std::size_t>(lp.buffer_senders), 0);
    if (lp.network_output) ++output_layers_;
    layer_start_.push_back(std::make_unique<sc_core::sc_event>());
    labels_.push_back(trace.label(lm.name));
  }

  tiles_.reserve(static_cast<std::size_t>(plan.tiles));
  for (int t = 0; t < plan.tiles; ++t) {
    tiles_.push_back({ServerPool(arch.buffer_read_ports), ServerPool(arch.buffer_write_ports), ServerPool(1), -1});
  }
  net = make_interconnect(arch, trace);
  global_read = std::make_unique<Port>("global_buffer_read", 1);

  stations_ = std::vector<StationState>(plan.stations.size());
  for (std::size_t s = 0; s < plan.stations.size(); ++s) {
    const Station& st = plan.stations[s];
    StationState& ss = stations_[s];
    for (const InputLink& in : st.inputs) {
      LinkState ls;
      ls.link = &in;
      ls.delivered.assign(static_cast<std::size_t>(in.sources), 0);
      const std::int64_t total = plan.inferences * in.window.producer_units;
      ls.arrival_ring.assign(static_cast<std::size_t>(std::max<std::int64_t>(1, std::min(in.capacity_units, total))), 0);
      ss.inputs.push_back(std::move(ls));
    }
    ss.partial_sums_received.assign(static_cast<std::size_t>(st.partial_sum_sources), 0);
    ss.out.set_senders(st.destinations.size());
    // A copy's first unit is unit `copy`: what comes before it in its inputs is never its to hold.
    release_before(static_cast<int>(s), st.copy);
  }
  // A source owes its copy's first unit before it has sent any (Destination::next_owed).
  auto owe_first = [&](const std::vector<Destination>& dests, int layer) {
    for (const Destination& d : dests) {
      auto& owed = d.station == kGlobalBuffer
                       ? buffer_delivered_[static_cast<std::size_t>(layer)]
                       : stations_[static_cast<std::size_t>(d.station)].inputs[static_cast<std::size_t>(d.link)].delivered;
      owed[static_cast<std::size_t>(d.source_slot)] = d.copy;
    }
  };
  for (const Station& st : plan.stations) owe_first(st.destinations, st.layer);
  std::vector<int> slots(plan.stations.size(), 0);
  for (std::size_t s = 0; s < plan.stations.size(); ++s)
    for (const auto& [home, bits] : plan.stations[s].partial_sums_to)
      stations_[s].partial_sum_slot.push_back(slots[static_cast<std::size_t>(home)]++);
  streams_ = std::vector<StreamState>(plan.streams.size());
  for (std::size_t b = 0; b < plan.streams.size(); ++b) streams_[b].staged.set_senders(plan.streams[b].destinations.size());

  // Processes.
  spawn("control_unit", control());
  for (std::size_t s = 0; s < plan.stations.size(); ++s) {
    const Station& st = plan.stations[s];
    const int si = static_cast<int>(s);
    if (st.digital) spawn("digital_unit", compute_digital(si));
    else spawn("arrays", compute_matrix(si));
    if (st.home || !st.partial_sums_to.empty()) spawn("output", output(si));
    spawn_senders(stations_[s].out, st.destinations, st.tile, st.layer, st.own_units(plan.inferences * st.units), si);
  }
  for (std::size_t b = 0; b < plan.streams.size(); ++b) {
    const BufferStream& bs = plan.streams[b];
    const int bi = static_cast<int>(b);
    spawn("buffer_reader", read_stream(bi));
    spawn_senders(streams_[b].staged, bs.destinations, net->global_buffer_node(), bs.layer,
                  plan.inferences * bs.units, (2 << 20) + bi);
  }
}

void Chip::spawn(const char* name, Process body) {
  processes_.push_back({std::move(body), {}, {}});
  processes_.back().method = spawn_process(name, processes_.back().state, processes_.back().body);
}

void Chip::spawn_senders(Staging& staged, const std::vector<Destination>& dests, int from, int layer,
                         std::int64_t units, int priority) {
  for (std::size_t d = 0; d < dests.size(); ++d)
    spawn("sender", sender(staged, static_cast<int>(d), from, dests[d], layer, units, priority));
}

Chip::~Chip() { end_processes(); }

// SystemC finds a process it deletes by a linear search of two lists: its process table (newest
// first) and its parent's children (in creation order, a removed child's place taken by the
// last). Deleting the first process and then the rest newest first finds each one at the front of
// both, so thousands of processes go in linear time, not quadratic. They go before their frames,
// whose events they may still wait on.
void Chip::end_processes() {
  auto end = [](RunningProcess& p) {
    try {
      if (sc_core::sc_is_running() && p.method.valid()) p.method.kill();
    } catch (...) {  // a kernel that stopped on an error: its own deletion takes the process
    }
    p.method = sc_core::sc_process_handle();
  };
  if (processes_.empty()) return;
  end(processes_.front());
  for (auto p = processes_.rbegin(); p != std::prev(processes_.rend()); ++p) end(*p);
}

// --- control unit ---------------------------------------------------------------------------------

Process Chip::control() {
  const std::size_t L = plan.layers.size();
  if (plan.schedule == mapping::Schedule::Pipelined) {
    vcd_layers_running = static_cast<int>(L);
    for (std::size_t l = 0; l < L; ++l) layer_start_[l]->notify(sc_core::SC_ZERO_TIME);
    while (std::count(inference_done.begin(), inference_done.end(), -1) > 0) co_await wait_for(buffer_event_);
    vcd_layers_running = 0;
    // Every layer ran from its first action to its last output.
    for (std::size_t l = 0; l < L; ++l) {
      std::int64_t first = -1;
      for (int s : plan.layers[l].stations) {
        const std::int64_t a = stations_[static_cast<std::size_t>(s)].first_activity;
        if (a >= 0 && (first < 0 || a < first)) first = a;
      }
      stats[l].start_cycle = std::max<std::int64_t>(0, first);
    }
  } else {
    int round = 0;
    for (std::size_t l = 0; l < L; ++l) {
      const LayerPlan& lp = plan.layers[l];
      if (lp.round != round) {
        // Reprogram the arrays with the next round's weights; nothing else runs meanwhile.
        round = lp.round;
        const std::size_t r = static_cast<std::size_t>(round);
        const std::int64_t write = r < params.round_write_cycles.size() ? params.round_write_cycles[r] : 0;
        vcd_reprogramming = 1;
        co_await wait_until(now_cycles() + write);
        vcd_reprogramming = 0;
        reprogram_cycles += write;
      }
      vcd_layer = static_cast<int>(l);
      vcd_layers_running = 1;
      layer_start_cycle_[l] = now_cycles();
      stats[l].start_cycle = now_cycles();
      layer_start_[l]->notify(sc_core::SC_ZERO_TIME);
      const std::int64_t total = plan.inferences * lp.units;
      while (layer_outputs_done_[l] < total) co_await wait_for(buffer_event_);
      stats[l].end_cycle = now_cycles();
    }
    vcd_layers_running = 0;
  }
  finished_at = now_cycles();
}

// --- global buffer streams ------------------------------------------------------------------------

Process Chip::read_stream(int b) {
  const BufferStream& bs = plan.streams[static_cast<std::size_t>(b)];
  StreamState& ss = streams_[static_cast<std::size_t>(b)];
  LayerTiming& st = stats[static_cast<std::size_t>(bs.layer)];
  co_await wait_for(*layer_start_[static_cast<std::size_t>(bs.layer)]);
  const std::int64_t total = plan.inferences * bs.units;
  // Units the buffer could not hold come back from DRAM through the same port.
  const double spilled = bs.producer == kNetworkInput ? plan.input_spilled_fraction
                                                      : plan.spilled_fraction[static_cast<std::size_t>(bs.producer)];
  const std::int64_t dram_bits = std::llround(spilled * static_cast<double>(bs.read_bits));
  const std::int64_t read_cycles =
      ceil_div(bs.read_bits, plan.global_width) * plan.global_read_cycles + dram_cycles(plan, dram_bits);
  // The reader runs at most two units ahead of the slowest of its senders.
  constexpr std::int64_t kReadAhead = 2;
  for (std::int64_t u = 0; u < total; ++u) {
    while (ss.staged.available - ss.staged.freed >= kReadAhead) co_await wait_for(*ss.staged.freed_event);
    co_await global_read->use((2 << 20) + b, read_cycles, *ss.read_done);
    st.traffic.global_buffer_read_bits += bs.read_bits;
    st.traffic.dram_read_bits += dram_bits;
    ++st.control_ops;
    stage(ss.staged, u + 1);
  }
}

void Staging::set_senders(std::size_t n) {
  sent.assign(n, 0);
  senders_at_.assign(1, static_cast<std::int64_t>(n));
}

bool Staging::advance(std::size_t index) {
  const std::size_t k = static_cast<std::size_t>(sent[index]++ - freed);
  --senders_at_[k];
  if (k + 1 == senders_at_.size()) senders_at_.push_back(0);
  ++senders_at_[k + 1];
  const std::int64_t before = freed;
  while (senders_at_.front() == 0) {
    senders_at_.pop_front();
    ++freed;
  }
  return freed > before;
}

void Chip::stage(Staging& staged, std::int64_t units) {
  staged.available = units;
  if (staged.sent.empty()) staged.freed = units;  // nobody to send to: nothing stays
  staged.available_event->notify(sc_core::SC_ZERO_TIME);
}

// --- stall diagnosis ------------------------------------------------------------------------------

std::string Chip::stall_report() const {
  auto layer_name = [&](int l) {
    return l < 0 ? std::string("the network input") : "'" + map.layers[static_cast<std::size_t>(l)].name + "'";
  };
  // A station waiting for input units that have not arrived.
  std::string waiting;
  for (std::size_t s = 0; s < plan.stations.size() && waiting.empty(); ++s) {
    const Station& st = plan.stations[s];
    const StationState& ss = stations_[s];
    if (ss.processed >= plan.inferences * st.units) continue;
    const std::int64_t n = ss.processed / st.units, j = ss.processed % st.units;
    for (const LinkState& ls : ss.inputs) {
      const InputLink& in = *ls.link;
      const std::int64_t need = n * in.window.producer_units + in.window.need(j);
      if (in.sources == 0 || ls.arrived >= need) continue;
      waiting = "layer " + layer_name(st.layer) + " on tile " + std::to_string(st.tile) + " waits for unit " +
                std::to_string(need - 1) + " of " + layer_name(in.producer);
      break;
    }
  }
  // A sender that has a unit but no room for it at its destination.
  std::string blocked;
  for (std::size_t s = 0; s < plan.stations.size() && blocked.empty(); ++s) {
    const Station& st = plan.stations[s];
    const StationState& ss = stations_[s];
    for (std::size_t d = 0; d < st.destinations.size(); ++d) {
      const Destination& dest = st.destinations[d];
      if (dest.station == kGlobalBuffer || ss.out.sent[d] >= ss.out.available) continue;
      const std::int64_t u = dest.copy + ss.out.sent[d] * dest.copies;
      const LinkState& ls = stations_[static_cast<std::size_t>(dest.station)].inputs[static_cast<std::size_t>(dest.link)];
      if (u < ls.released + ls.link->capacity_units) continue;
      const Station& to = plan.stations[static_cast<std::size_t>(dest.station)];
      blocked = layer_name(st.layer) + " cannot send unit " + std::to_string(u) + " to " + layer_name(to.layer) +
                " on tile " + std::to_string(to.tile) + ", whose share of the input buffer holds " +
                std::to_string(ls.link->capacity_units) + " units";
      break;
    }
  }
  if (waiting.empty() && blocked.empty()) return "no station is waiting for input";
  if (waiting.empty()) return blocked;
  if (blocked.empty()) return waiting;
  return blocked + ", while " + waiting;
}

}  // namespace cimsim::engine
