// The processes of a station (its arrays or digital unit, its output path) and the senders that move
// units between stations and the global buffer.

#include <algorithm>

#include "sim/engine/chip.hpp"

namespace cimsim::engine {

namespace {
// Interconnect priorities: traffic that drains the chip goes first, so outputs never wait behind
// inputs; within a kind, the lower station (or stream) index first.
constexpr int kPriorityOutput = 0;
constexpr int kPriorityPartial = 1 << 20;
// Results a station's arrays (or digital unit) hold for its output path: the shift-add registers of
// one vector being drained and of the next.
constexpr std::size_t kResultSlots = 2;
}  // namespace

Task<> Chip::finish_unit(int s, std::int64_t unit, std::int64_t release_at, std::int64_t ready) {
  co_await wait_until(release_at);
  release_inputs(s, unit);
  StationState& ss = stations_[static_cast<std::size_t>(s)];
  ss.results.emplace_back(unit, ready);
  ss.result_event->notify(sc_core::SC_ZERO_TIME);
}

Task<> Chip::wait_result_slot(int s) {
  StationState& ss = stations_[static_cast<std::size_t>(s)];
  while (ss.results.size() >= kResultSlots) co_await wait_for(*ss.result_taken);
}

// --- inputs ----------------------------------------------------------------------------------------

Task<std::int64_t> Chip::wait_inputs(int s, std::int64_t unit) {
  const Station& st = plan.stations[static_cast<std::size_t>(s)];
  StationState& ss = stations_[static_cast<std::size_t>(s)];
  const std::int64_t n = unit / st.units, j = unit % st.units;
  std::int64_t ready = layer_start_cycle_[static_cast<std::size_t>(st.layer)];
  for (LinkState& ls : ss.inputs) {
    const InputLink& in = *ls.link;
    if (in.sources == 0) continue;
    const std::int64_t need = n * in.window.producer_units + in.window.need(j);
    while (ls.arrived < need) {
      if (in.accumulate && ls.released < ls.arrived) {
        ls.released = ls.arrived;  // folded into the accumulator
        ss.released_event->notify(sc_core::SC_ZERO_TIME);
      }
      ss.awaited_link = &ls;
      ss.awaited_units = need;
      co_await wait_for(*ss.arrived_event);
      ss.awaited_link = nullptr;
    }
    ready = std::max(ready, ls.arrival_time(need - 1));
  }
  co_return ready;
}

void Chip::release_inputs(int s, std::int64_t unit) {
  release_before(s, unit + plan.stations[static_cast<std::size_t>(s)].copies);  // the copy's next unit
  stations_[static_cast<std::size_t>(s)].released_event->notify(sc_core::SC_ZERO_TIME);
}

void Chip::release_before(int s, std::int64_t next) {
  const Station& st = plan.stations[static_cast<std::size_t>(s)];
  StationState& ss = stations_[static_cast<std::size_t>(s)];
  const std::int64_t n = next / st.units, j = next % st.units;
  for (LinkState& ls : ss.inputs) {
    const Window& w = ls.link->window;
    ls.released = next >= plan.inferences * st.units ? plan.inferences * w.producer_units
                                                     : n * w.producer_units + w.first(j);
  }
  ss.processed = next;
}

// --- compute ---------------------------------------------------------------------------------------

Process Chip::compute_matrix(int s) {
  const Station& st = plan.stations[static_cast<std::size_t>(s)];
  StationState& ss = stations_[static_cast<std::size_t>(s)];
  LayerTiming& stats_l = stats[static_cast<std::size_t>(st.layer)];
  TileResources& tile = tiles_[static_cast<std::size_t>(st.tile)];
  const int label = labels_[static_cast<std::size_t>(st.layer)];
  const std::int64_t t_read = plan.read_cycles, t_sh = plan.sample_hold_cycles;

  co_await wait_for(*layer_start_[static_cast<std::size_t>(st.layer)]);
  const std::size_t n_arrays = st.arrays.size();
  std::vector<std::int64_t> dac_free(n_arrays, now_cycles()), adc_free(n_arrays, now_cycles());
  std::vector<int> array_track(n_arrays, 0), adc_track(n_arrays, 0);
  if (trace.on())
    for (std::size_t k = 0; k < n_arrays; ++k) {
      const std::string group = "tile " + std::to_string(st.tile);
      array_track[k] = trace.track(group, "array " + std::to_string(st.arrays[k]));
      adc_track[k] = trace.track(group, "ADC bank " + std::to_string(st.arrays[k]));
    }

  // Rounds of reads, each integrating reads_per_round reads before its conversions.
  // Sample-and-hold: a round samples once the ADCs are done with the previous one, and every
  // later round integrates while the ADCs convert the one before. Integrate-then-convert: the
  // ADCs convert from the integrating capacitor, so a round's reads wait for the conversions.
  // Rounds may convert at different bits (adc.significance_bits): each round's own t_conv. The
  // spans are the same for every vector, so they are summed once here, not per vector.
  struct RoundSpans {
    std::int64_t held = 0;       // from the first round's sample to the last round's
    std::int64_t converting = 0;  // every round's conversions
    std::int64_t last = 0;       // the last round's conversions
  };
  std::vector<RoundSpans> spans(n_arrays);
  for (std::size_t k = 0; k < n_arrays; ++k) {
    const ArrayWork& w = plan.arrays[static_cast<std::size_t>(st.arrays[k])];
    const std::int64_t t_int = w.reads_per_round * t_read;
    RoundSpans& sp = spans[k];
    if (!plan.integrate) sp.held = t_sh;
    for (std::int64_t r = 0; r + 1 < w.rounds; ++r)
      sp.held += plan.integrate ? t_int + w.round_conversion_cycles(r)
                                : std::max(t_int, w.round_conversion_cycles(r)) + t_sh;
    for (std::int64_t r = 0; r < w.rounds; ++r) sp.converting += w.round_conversion_cycles(r);
    sp.last = w.round_conversion_cycles(w.rounds - 1);
  }

  // What every vector adds to the layer's counts, the same for each: summed over the arrays once.
  functional::ActionCounts counts_per_vector;
  std::int64_t array_busy_per_vector = 0, adc_busy_per_vector = 0, fetch_bits_per_vector = 0;
  for (std::size_t k = 0; k < n_arrays; ++k) {
    const ArrayWork& w = plan.arrays[static_cast<std::size_t>(st.arrays[k])];
    counts_per_vector += w.per_vector;
    array_busy_per_vector += w.reads * t_read + (plan.integrate ? 0 : w.rounds * t_sh);
    adc_busy_per_vector += spans[k].converting * plan.adcs_per_array;
    fetch_bits_per_vector += w.fetch_bits;
  }

  const std::int64_t total = plan.inferences * st.units;
  for (std::int64_t unit = st.copy; unit < total; unit += st.copies) {
    co_await wait_result_slot(s);
    const std::int64_t arrived = co_await wait_inputs(s, unit);
    std::int64_t last_fetch = arrived, ready = 0;
    for (std::size_t k = 0; k < n_arrays; ++k) {
      const ArrayWork& w = plan.arrays[static_cast<std::size_t>(st.arrays[k])];
      // An array rewritten per input takes the next operand once its inputs are there and its
      // last reads are done, before the vectors that read it (docs/timing.md).
      if (w.vectors_per_write > 0 && (unit % st.units) % w.vectors_per_write == 0) {
        const std::int64_t write_start = std::max(arrived, dac_free[k]);
        dac_free[k] = write_start + w.write_cycles;
        stats_l.array_busy_cycles += w.write_cycles;
        stats_l.counts.cell_writes += w.cells_per_write;
        if (trace.on()) trace.slice(array_track[k], label, write_start, dac_free[k]);
      }
      // Fetch: the array's rows leave the input buffer once the vector is there, a read port is
      // free and the DACs have let go of the previous vector.
      const std::int64_t fetch = ceil_div(w.fetch_bits, plan.buffer_width) * plan.input_read_cycles;
      const std::int64_t start = tile.input_read.reserve(std::max(arrived, dac_free[k]), fetch);
      const std::int64_t fetched = start + fetch;
      if (ss.first_activity < 0) ss.first_activity = start;
      const std::int64_t t_int = w.reads_per_round * t_read;
      // Integrate-then-convert: the first round's conversions start once its reads are done.
      const std::int64_t first_sample = plan.integrate ? std::max(fetched, adc_free[k]) + t_int
                                                       : std::max(fetched + t_int, adc_free[k]);
      const std::int64_t last_held = first_sample + spans[k].held;
      dac_free[k] = last_held;
      adc_free[k] = last_held + spans[k].last;
      ready = std::max(ready, adc_free[k] + 1);  // the last code is shift-added a cycle later
      last_fetch = std::max(last_fetch, fetched);
      if (trace.on()) {
        trace.slice(array_track[k], label, start, last_held);
        trace.slice(adc_track[k], label, first_sample + (plan.integrate ? 0 : t_sh), adc_free[k]);
      }
    }
    stats_l.array_busy_cycles += array_busy_per_vector;
    stats_l.adc_busy_cycles += adc_busy_per_vector;
    stats_l.counts += counts_per_vector;
    stats_l.traffic.input_buffer_read_bits += fetch_bits_per_vector;
    stats_l.control_ops += static_cast<std::int64_t>(n_arrays);
    // The input units this vector needed leave the buffer once every array has fetched them.
    co_await finish_unit(s, unit, last_fetch, ready);
  }
}

Process Chip::compute_digital(int s) {
  const Station& st = plan.stations[static_cast<std::size_t>(s)];
  StationState& ss = stations_[static_cast<std::size_t>(s)];
  const LayerPlan& lp = plan.layers[static_cast<std::size_t>(st.layer)];
  LayerTiming& stats_l = stats[static_cast<std::size_t>(st.layer)];
  TileResources& tile = tiles_[static_cast<std::size_t>(st.tile)];
  const int label = labels_[static_cast<std::size_t>(st.layer)];
  const int track = trace.on() ? trace.track("tile " + std::to_string(st.tile), "digital unit") : 0;

  co_await wait_for(*layer_start_[static_cast<std::size_t>(st.layer)]);
  const std::int64_t total = plan.inferences * st.units;
  for (std::int64_t unit = 0; unit < total; ++unit) {
    co_await wait_result_slot(s);
    const std::int64_t arrived = co_await wait_inputs(s, unit);
    // Operands stream out of the input buffer through the unit's lanes. An accumulating
    // reduction has folded in all but its last input unit by the time that one arrives.
    const std::int64_t cycles = st.inputs.size() == 1 && st.inputs.front().accumulate
                                    ? ceil_div(st.digital_cycles_per_unit, st.inputs.front().window.producer_units)
                                    : st.digital_cycles_per_unit;
    const std::int64_t start = tile.digital.reserve(arrived, cycles);
    const std::int64_t end = start + cycles;
    if (ss.first_activity < 0) ss.first_activity = start;
    stats_l.digital_busy_cycles += st.digital_cycles_per_unit;
    ++stats_l.control_ops;
    if (unit % st.units == st.units - 1) {
      stats_l.counts += lp.per_sample_digital;
    }
    trace.slice(track, label, start, end);
    co_await finish_unit(s, unit, end, end);
  }
}

// --- output path -----------------------------------------------------------------------------------

Process Chip::output(int s) {
  const Station& st = plan.stations[static_cast<std::size_t>(s)];
  StationState& ss = stations_[static_cast<std::size_t>(s)];
  LayerTiming& stats_l = stats[static_cast<std::size_t>(st.layer)];
  TileResources& tile = tiles_[static_cast<std::size_t>(st.tile)];
  const int label = labels_[static_cast<std::size_t>(st.layer)];
  sc_core::sc_event done;

  const std::int64_t total = plan.inferences * st.units;
  const std::int64_t write = ceil_div(st.out_bits, plan.buffer_width) * plan.output_write_cycles;
  std::int64_t staged = 0;  // units of this station's copy in the output buffer so far
  for (std::int64_t unit = st.copy; unit < total; unit += st.copies) {
    while (ss.results.empty()) co_await wait_for(*ss.result_event);
    const std::int64_t ready = ss.results.front().second;
    ss.results.pop_front();
    ss.result_taken->notify(sc_core::SC_ZERO_TIME);
    co_await wait_until(ready);
    // Partial sums of column blocks homed on other tiles.
    for (std::size_t k = 0; k < st.partial_sums_to.size(); ++k) {
      const auto& [home, bits] = st.partial_sums_to[k];
      const int to = node_of_station(home);
      co_await net->transfer(st.tile, to, bits, kPriorityPartial + s, label, done);
      ++stats_l.control_ops;
      if (to != st.tile) {
        stats_l.traffic.bus_bits += bits;
        stats_l.traffic.interconnect_bit_hops += bits * net->hops(st.tile, to);
      }
      StationState& hs = stations_[static_cast<std::size_t>(home)];
      hs.partial_sums_received[static_cast<std::size_t>(ss.partial_sum_slot[k])] = unit + 1;
      if (hs.partials_awaited >= 0 && hs.partials_past(hs.partials_awaited)) hs.partial_sum_event->notify(sc_core::SC_ZERO_TIME);
    }
    ss.last_activity = std::max(ss.last_activity, now_cycles());
    if (!st.home) continue;
    ss.partials_awaited = unit;
    while (!ss.partials_past(unit)) co_await wait_for(*ss.partial_sum_event);
    ss.partials_awaited = -1;
    // Adder tree over row blocks, requantization, then the output buffer (once it has room).
    const std::int64_t added = now_cycles() + st.adder_cycles + st.requantize_cycles;
    while (ss.out.available - ss.out.freed >= st.out_capacity_units) co_await wait_for(*ss.out.freed_event);
    const std::int64_t start = tile.output_write.reserve(std::max(added, now_cycles()), write);
    co_await wait_until(start + write);
    stats_l.traffic.output_buffer_write_bits += st.out_bits;
    stats_l.counts += st.per_unit;
    ++stats_l.control_ops;
    ss.last_activity = now_cycles();
    stage(ss.out, ++staged);
  }
  if (trace.on() && ss.first_activity >= 0) {
    if (tile.layers_track < 0) tile.layers_track = trace.track("tile " + std::to_string(st.tile), "layers");
    trace.span(tile.layers_track, label, ss.first_activity, std::max(ss.first_activity, ss.last_activity));
  }
}

// --- senders ---------------------------------------------------------------------------------------

Process Chip::sender(Staging& staged, int index, int from, const Destination& d, int layer, std::int64_t units,
                  int priority) {
  LayerTiming& stats_l = stats[static_cast<std::size_t>(layer)];
  const int label = labels_[static_cast<std::size_t>(layer)];
  const bool to_buffer = d.station == kGlobalBuffer;
  const int to = to_buffer ? net->global_buffer_node() : node_of_station(d.station);
  // The global buffer's write port takes the unit; the part of it the buffer cannot hold goes on
  // to DRAM through the same port.
  const std::int64_t dram_bits =
      to_buffer ? std::llround(plan.spilled_fraction[static_cast<std::size_t>(layer)] * static_cast<double>(d.bits)) : 0;
  const std::int64_t sink = to_buffer ? ceil_div(d.bits, plan.global_width) * plan.global_write_cycles +
                                            dram_cycles(plan, dram_bits)
                                      : 0;
  const int kind = from == net->global_buffer_node() ? 0 : kPriorityOutput;
  sc_core::sc_event done;
  for (std::int64_t u = 0; u < units; ++u) {
    while (staged.available <= u) co_await wait_for(*staged.available_event);
    if (!to_buffer) {
      StationState& ds = stations_[static_cast<std::size_t>(d.station)];
      const LinkState& ls = ds.inputs[static_cast<std::size_t>(d.link)];
      const std::int64_t unit = d.copy + u * d.copies;  // the layer's unit number
      while (unit >= ls.released + ls.link->capacity_units) co_await wait_for(*ds.released_event);
    }
    co_await net->transfer(from, to, d.bits, kind + priority, label, done, sink);
    ++stats_l.control_ops;
    if (from != to) {
      stats_l.traffic.bus_bits += d.bits;
      stats_l.traffic.interconnect_bit_hops += d.bits * net->hops(from, to);
    }
    stats_l.traffic.dram_write_bits += dram_bits;
    deliver(d, layer, u);
    // The unit's space in the sender's staging frees once every sender has sent it.
    if (staged.advance(static_cast<std::size_t>(index))) staged.freed_event->notify(sc_core::SC_ZERO_TIME);
  }
}

// `unit` counts the units this sender has delivered (its copy's, Destination::copy).
void Chip::deliver(const Destination& d, int layer, std::int64_t unit) {
  const std::size_t l = static_cast<std::size_t>(layer);
  const std::int64_t now = now_cycles();
  if (d.station == kGlobalBuffer) {
    stats[l].traffic.global_buffer_write_bits += d.bits;
    auto& delivered = buffer_delivered_[l];
    delivered[static_cast<std::size_t>(d.source_slot)] = d.next_owed(unit);
    const std::int64_t done = *std::min_element(delivered.begin(), delivered.end());
    const LayerPlan& lp = plan.layers[l];
    // The control unit waits for a layer's last unit (layer_serial) or an inference's
    // (pipelined): only those wake it.
    bool control_waits = false;
    if (done > layer_outputs_done_[l]) {
      // Inferences whose last unit of this layer just reached the buffer.
      for (std::int64_t n = layer_outputs_done_[l] / lp.units; n < done / lp.units; ++n) {
        if (!lp.network_output) break;
        if (++outputs_done_per_inference_[static_cast<std::size_t>(n)] == output_layers_) {
          inference_done[static_cast<std::size_t>(n)] = now;
          vcd_inferences_done = static_cast<int>(n + 1);
          control_waits = true;
        }
      }
      layer_outputs_done_[l] = done;
      control_waits = control_waits || done == plan.inferences * lp.units;
    }
    stats[l].end_cycle = std::max(stats[l].end_cycle, now);
    if (control_waits) buffer_event_.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  StationState& ds = stations_[static_cast<std::size_t>(d.station)];
  LinkState& ls = ds.inputs[static_cast<std::size_t>(d.link)];
  stats[static_cast<std::size_t>(plan.stations[static_cast<std::size_t>(d.station)].layer)]
      .traffic.input_buffer_write_bits += d.bits;
  ls.delivered[static_cast<std::size_t>(d.source_slot)] = d.next_owed(unit);
  const std::int64_t arrived = *std::min_element(ls.delivered.begin(), ls.delivered.end());
  for (std::int64_t u = ls.arrived; u < arrived; ++u)
    ls.arrival_ring[static_cast<std::size_t>(u % static_cast<std::int64_t>(ls.arrival_ring.size()))] = now;
  if (arrived > ls.arrived) {
    ls.arrived = arrived;
    const bool wake = !ds.awaited_link || (ds.awaited_link == &ls && (arrived >= ds.awaited_units || ls.link->accumulate));
    if (wake) ds.arrived_event->notify(sc_core::SC_ZERO_TIME);
  }
  stats[l].end_cycle = std::max(stats[l].end_cycle, now);
}

}  // namespace cimsim::engine
