// Buffer sizes of a plan: each station's share of its tile's buffers, and the global buffer.

#include <algorithm>
#include <string>

#include "sim/engine/plan_detail.hpp"
#include "sim/engine/spill.hpp"

namespace cimsim::engine::detail {

using mapping::ChipMap;
using mapping::LayerMap;

namespace {

// The input links of layer l's stations (every station of a layer has the same producers and
// windows).
const std::vector<InputLink>& links_of(const ChipPlan& plan, std::size_t l) {
  static const std::vector<InputLink> none;
  const LayerPlan& lp = plan.layers[l];
  return lp.stations.empty() ? none : plan.stations[static_cast<std::size_t>(lp.stations.front())].inputs;
}

// Layers from `from` back to the network input through first producers: the path a branch takes.
std::vector<int> first_producer_chain(const ChipPlan& plan, int from) {
  std::vector<int> chain;
  for (int l = from; l != kNetworkInput;) {
    chain.push_back(l);
    const auto& links = links_of(plan, static_cast<std::size_t>(l));
    l = links.empty() ? kNetworkInput : links.front().producer;
  }
  chain.push_back(kNetworkInput);
  return chain;
}

// Q(k): units of the ancestor chain[upto] that unit k of chain[0] needs, through the layers between
// them, never decreasing in k. `input_units`: the network input's units, when it is chain[0].
std::vector<std::int64_t> ancestor_need(const ChipPlan& plan, const std::vector<int>& chain, std::size_t upto,
                                        std::int64_t input_units) {
  std::int64_t own = input_units;  // units of chain[upto]: each needs itself and those before
  if (chain[upto] != kNetworkInput) own = plan.layers[static_cast<std::size_t>(chain[upto])].units;
  else if (upto > 0) own = links_of(plan, static_cast<std::size_t>(chain[upto - 1])).front().window.producer_units;
  std::vector<std::int64_t> q(static_cast<std::size_t>(own));
  for (std::size_t k = 0; k < q.size(); ++k) q[k] = static_cast<std::int64_t>(k) + 1;
  for (std::size_t i = upto; i-- > 0;) {
    const auto l = static_cast<std::size_t>(chain[i]);
    const Window& w = links_of(plan, l).front().window;
    std::vector<std::int64_t> next(static_cast<std::size_t>(plan.layers[l].units));
    std::int64_t most = 0;
    for (std::size_t k = 0; k < next.size(); ++k) {
      most = std::max(most, q[static_cast<std::size_t>(w.need(static_cast<std::int64_t>(k)) - 1)]);
      next[k] = most;
    }
    q = std::move(next);
  }
  return q;
}

// Pipelined: per layer, the most units one input link of a join (a layer fed by two or more
// layers, such as a residual add) may have to hold while the join waits for its next unit. The
// branches meet at their nearest common ancestor P (along first producers). Unit j of the join
// needs R(j) = max over its links of Q_i(need_i(j) − 1) units of P, Q_i(k) being the units of P
// that unit k of branch i needs; by then branch i may have made every unit k with Q_i(k) ≤ R(j),
// and its link holds those from first_i(j) on. The branch that needs less of P (the skip
// connection) runs ahead by the difference; with less room the pipeline deadlocks.
std::vector<std::int64_t> held_at_joins(const ChipPlan& plan) {
  std::vector<std::int64_t> held(plan.layers.size(), 0);
  for (std::size_t l = 0; l < plan.layers.size(); ++l) {
    const auto& links = links_of(plan, l);
    if (links.size() < 2) continue;
    std::vector<std::vector<int>> chains;
    for (const InputLink& in : links) chains.push_back(first_producer_chain(plan, in.producer));
    // The nearest common ancestor: the first layer of the first chain on every other chain.
    int ancestor = kNetworkInput;
    for (int a : chains.front())
      if (std::all_of(chains.begin() + 1, chains.end(),
                      [&](const std::vector<int>& c) { return std::find(c.begin(), c.end(), a) != c.end(); })) {
        ancestor = a;
        break;
      }
    std::vector<std::vector<std::int64_t>> q;
    for (std::size_t i = 0; i < chains.size(); ++i) {
      const auto& c = chains[i];
      const auto upto = static_cast<std::size_t>(std::find(c.begin(), c.end(), ancestor) - c.begin());
      q.push_back(ancestor_need(plan, c, upto, links[i].window.producer_units));
    }
    const std::int64_t units = plan.layers[l].units;
    for (std::int64_t j = 0; j < units; ++j) {
      std::int64_t needed = 0;  // R(j)
      for (std::size_t i = 0; i < links.size(); ++i)
        needed = std::max(needed, q[i][static_cast<std::size_t>(links[i].window.need(j) - 1)]);
      for (std::size_t i = 0; i < links.size(); ++i) {
        const std::int64_t made = std::upper_bound(q[i].begin(), q[i].end(), needed) - q[i].begin();
        held[l] = std::max(held[l], made - links[i].window.first(j));
      }
    }
  }
  return held;
}

}  // namespace

void size_tile_buffers(ChipPlan& plan, const ChipMap& chip) {
  const mapping::Architecture& arch = chip.arch;
  const bool pipelined = plan.schedule == mapping::Schedule::Pipelined;
  // Stations that run at the same time share their tile's buffers equally: every station of the
  // tile when pipelined, one at a time when layer_serial.
  std::vector<int> on_tile(static_cast<std::size_t>(plan.tiles), 0), homes_on_tile(static_cast<std::size_t>(plan.tiles), 0);
  for (const Station& st : plan.stations) {
    ++on_tile[static_cast<std::size_t>(st.tile)];
    if (st.home) ++homes_on_tile[static_cast<std::size_t>(st.tile)];
  }
  // `auto` buffers: twice the largest window a station needs at once (the next units arrive while a
  // window is read), and when pipelined twice what a link must hold while the other branch of a
  // join catches up; two output units of the largest home station; shares as below.
  const std::vector<std::int64_t> ahead = pipelined ? held_at_joins(plan) : std::vector<std::int64_t>();
  if (arch.input_buffer_auto || arch.output_buffer_auto) {
    std::int64_t need_in = 0, need_out = 0;
    for (const Station& st : plan.stations) {
      const std::size_t t = static_cast<std::size_t>(st.tile);
      std::int64_t per_unit = 0, span = 0;
      for (const InputLink& in : st.inputs) {
        per_unit += in.bits_per_unit;
        if (in.bits_per_unit > 0) span = std::max<std::int64_t>(span, in.accumulate ? 1 : in.window.span());
      }
      if (pipelined && per_unit > 0) span = std::max(span, ahead[static_cast<std::size_t>(st.layer)]);
      need_in = std::max(need_in, 2 * span * per_unit * (pipelined ? on_tile[t] : 1));
      if (st.home) need_out = std::max(need_out, 2 * st.out_bits * (pipelined ? std::max(1, homes_on_tile[t]) : 1));
    }
    if (arch.input_buffer_auto) plan.input_buffer_kib = whole_kib(need_in);
    if (arch.output_buffer_auto) plan.output_buffer_kib = whole_kib(need_out);
  }
  const std::int64_t in_bits = static_cast<std::int64_t>(plan.input_buffer_kib * 8192.0);
  const std::int64_t out_bits = static_cast<std::int64_t>(plan.output_buffer_kib * 8192.0);
  for (Station& st : plan.stations) {
    const std::size_t t = static_cast<std::size_t>(st.tile);
    const std::int64_t share_in = pipelined ? in_bits / on_tile[t] : in_bits;
    const std::int64_t share_out = pipelined ? out_bits / std::max(1, homes_on_tile[t]) : out_bits;
    std::int64_t per_unit = 0;
    for (const InputLink& in : st.inputs) per_unit += in.bits_per_unit;
    const std::int64_t units = per_unit > 0 ? share_in / per_unit : 1 << 30;
    const LayerMap& lm = chip.layers[static_cast<std::size_t>(st.layer)];
    for (InputLink& in : st.inputs) {
      in.capacity_units = units;
      // A join whose share cannot hold what its skip branch may run ahead by: said before the run
      // (it may still run when the producers' output buffers hold the rest).
      const std::int64_t ahead_units = pipelined ? ahead[static_cast<std::size_t>(st.layer)] : 0;
      if (in.bits_per_unit > 0 && units < ahead_units &&
          ahead_units - units > plan.join_shortfall.needed - plan.join_shortfall.held)
        plan.join_shortfall = {lm.name, st.tile, ahead_units, units};
      const std::int64_t span = in.accumulate ? 1 : in.window.span();
      if (in.bits_per_unit > 0 && units < span)
        arch.tile_params.fail("input_buffer_kib",
                    "layer '" + lm.name + "' on tile " + std::to_string(st.tile) + " needs " + std::to_string(span) +
                        " input units of " + std::to_string(per_unit) + " bits at once (" +
                        std::to_string(span * per_unit) + " bits); its share of the input buffer holds " +
                        std::to_string(share_in) + " bits");
    }
    if (st.home) {
      st.out_capacity_units = st.out_bits > 0 ? share_out / st.out_bits : 1 << 30;
      if (st.out_capacity_units < 1)
        arch.tile_params.fail("output_buffer_kib",
                    "layer '" + lm.name + "' on tile " + std::to_string(st.tile) + " writes " +
                        std::to_string(st.out_bits) + " bits per output unit; its share of the output buffer holds " +
                        std::to_string(share_out) + " bits");
    }
  }

}

void size_global_buffer(ChipPlan& plan, const ChipMap& chip, const TimingParams& params,
                        const std::vector<std::vector<int>>& consumers) {
  const mapping::Architecture& arch = chip.arch;
  const bool pipelined = plan.schedule == mapping::Schedule::Pipelined;
  // layer_serial keeps every tensor from the layer that writes it to the last layer that reads it
  // (the network input from the start, the outputs to the end); pipelined holds the network
  // input and outputs only.
  const std::size_t L = chip.layers.size();
  std::vector<std::int64_t> tensor_bits(L, 0), last_use(L, 0);
  std::int64_t input_bits = 0, input_last = 0;
  for (std::size_t l = 0; l < L; ++l) {
    const LayerMap& lm = chip.layers[l];
    tensor_bits[l] = (is_matrix(lm) ? lm.out * lm.vectors_per_sample : lm.output_elements) * lm.activation_bits *
                     params.inferences;
    last_use[l] = consumers[l].empty() ? static_cast<std::int64_t>(L) : consumers[l].back();
    for (int p : producers_of(lm))
      if (p == kNetworkInput) {
        const UnitShape u = producer_shape(chip, lm, p);
        input_bits = std::max(input_bits, u.units * u.elements * u.bits * params.inferences);
        input_last = static_cast<std::int64_t>(l);
      }
  }
  std::int64_t peak = 0;
  if (pipelined) {
    peak = input_bits;
    for (std::size_t l = 0; l < L; ++l)
      if (consumers[l].empty()) peak += tensor_bits[l];
  } else {
    for (std::size_t step = 0; step < L; ++step) {
      std::int64_t live = static_cast<std::int64_t>(step) <= input_last ? input_bits : 0;
      for (std::size_t t = 0; t <= step; ++t)
        if (last_use[t] >= static_cast<std::int64_t>(step)) live += tensor_bits[t];
      peak = std::max(peak, live);
    }
  }
  plan.global_buffer_peak_bits = peak;
  if (arch.global_buffer_auto) plan.global_buffer_kib = whole_kib(peak);
  const std::int64_t capacity = static_cast<std::int64_t>(plan.global_buffer_kib * 8192.0);
  plan.spilled_fraction.assign(L, 0.0);
  if (params.check_global_buffer && peak > capacity && params.dram_bits_per_cycle <= 0)
    arch.chip_params.fail("global_buffer_kib",
                          "the schedule holds up to " + std::to_string(peak) + " bits of activations for " +
                              std::to_string(params.inferences) + " inference(s) at once; the global buffer holds " +
                              std::to_string(capacity) + " bits (short by " + std::to_string(peak - capacity) +
                              " bits); give the chip DRAM (dram.enabled) to keep the rest off chip");
  if (peak > capacity && params.dram_bits_per_cycle > 0) {
    std::vector<bool> held(L, true);
    if (pipelined)
      for (std::size_t l = 0; l < L; ++l) held[l] = consumers[l].empty();
    const Spill spill = spill_to_dram(tensor_bits, last_use, held, input_bits, input_last, capacity);
    plan.spilled_fraction = spill.fraction;
    plan.input_spilled_fraction = spill.input_fraction;
  }
}

}  // namespace cimsim::engine::detail
