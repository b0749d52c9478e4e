#include "sim/engine/plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/engine/plan_detail.hpp"
#include "sim/mapping/placement.hpp"

namespace cimsim::engine {

using mapping::ChipMap;
using mapping::LayerMap;

namespace detail {

std::vector<int> producers_of(const LayerMap& lm) {
  return lm.producers.empty() ? std::vector<int>{kNetworkInput} : lm.producers;
}

UnitShape producer_shape(const ChipMap& chip, const LayerMap& consumer, int producer) {
  UnitShape s;
  if (producer == kNetworkInput) {
    const auto& g = consumer.conv;
    s.units = g.in_h > 0 && g.in_w > 0 ? static_cast<std::int64_t>(g.in_h) * g.in_w : 1;
    const std::int64_t total = consumer.input_elements > 0 ? consumer.input_elements : consumer.in;
    s.elements = std::max<std::int64_t>(1, ceil_div(total, s.units));
    s.bits = consumer.activation_bits;
    return s;
  }
  const LayerMap& p = chip.layers[static_cast<std::size_t>(producer)];
  s.units = units_per_sample(p);
  s.elements = is_matrix(p) ? p.out : std::max<std::int64_t>(1, ceil_div(p.output_elements, s.units));
  s.bits = p.activation_bits;
  return s;
}

}  // namespace detail

namespace {

using detail::is_matrix;
using detail::producer_shape;
using detail::producers_of;
using detail::UnitShape;

// Sorted, disjoint [begin, end) ranges of element indices within one unit.
using Ranges = std::vector<std::pair<std::int64_t, std::int64_t>>;

Ranges merged(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& x : r) {
    if (x.first >= x.second) continue;
    if (!out.empty() && x.first <= out.back().second) out.back().second = std::max(out.back().second, x.second);
    else out.push_back(x);
  }
  return out;
}

std::int64_t size_of(const Ranges& r) {
  std::int64_t n = 0;
  for (const auto& x : r) n += x.second - x.first;
  return n;
}

std::int64_t overlap(const Ranges& a, const Ranges& b) {
  std::int64_t n = 0;
  for (const auto& x : a)
    for (const auto& y : b) n += std::max<std::int64_t>(0, std::min(x.second, y.second) - std::max(x.first, y.first));
  return n;
}

// The elements of a producer's unit that a matrix station holding `rows` needs: channels of a
// convolution's inputs (im2col rows in (channel, ky, kx) order, channel-major), the matching
// channels of a flattened feature map (channel-major), or the elements themselves.
Ranges needed_elements(const LayerMap& lm, const Ranges& rows, const UnitShape& u) {
  std::int64_t per = 1;  // rows per element
  if (lm.conv.kernel_h > 0 && lm.conv.kernel_w > 0) {
    if (lm.conv.groups > 1) return {{0, u.elements}};
    per = static_cast<std::int64_t>(lm.conv.kernel_h) * lm.conv.kernel_w;
  } else if (u.units > 1) {
    per = u.units;
  }
  Ranges out;
  for (const auto& r : rows)
    out.emplace_back(std::min(u.elements, r.first / per), std::min(u.elements, (r.second - 1) / per + 1));
  return merged(out);
}

// A station's input link from `producer`, before the bits it needs are known.
InputLink link_from(const ChipMap& chip, const LayerMap& consumer, std::int64_t units, int producer, UnitShape& u) {
  u = producer_shape(chip, consumer, producer);
  InputLink in;
  in.producer = producer;
  in.window = window_for(consumer, units, u.units);
  return in;
}


}  // namespace

int partial_sum_bits(const ChipMap& chip, const LayerMap& lm) {
  const double x_max = std::ldexp(1.0, lm.activation_bits) - 1;
  const double w_max = lm.weight_bits == 1 ? 1.0 : std::ldexp(1.0, lm.weight_bits - 1) - 1;  // binary: ±1
  const double most = std::min(chip.arch.rows, lm.in) * x_max * w_max;
  return 1 + static_cast<int>(std::ceil(std::log2(most + 1)));
}

std::int64_t units_per_sample(const LayerMap& lm) {
  if (is_matrix(lm)) return std::max<std::int64_t>(1, lm.vectors_per_sample);
  const auto& g = lm.conv;
  return g.out_h > 0 && g.out_w > 0 ? static_cast<std::int64_t>(g.out_h) * g.out_w : 1;
}

ChipPlan make_plan(const ChipMap& chip, const TimingParams& params) {
  const mapping::Architecture& arch = chip.arch;
  ChipPlan plan;
  plan.schedule = arch.schedule;
  plan.inferences = params.inferences;
  plan.read_cycles = params.read_cycles > 0 ? params.read_cycles : arch.read_cycles();
  plan.sample_hold_cycles = params.sample_hold_cycles;
  plan.integrate = arch.readout.integrate();
  plan.buffer_width = arch.buffer_width_bits;
  plan.global_width = arch.global_buffer_width_bits;
  plan.input_read_cycles = params.input_read_cycles;
  plan.output_write_cycles = params.output_write_cycles;
  plan.global_read_cycles = params.global_read_cycles;
  plan.global_write_cycles = params.global_write_cycles;
  plan.dram_bits_per_cycle = params.dram_bits_per_cycle;
  plan.adcs_per_array = static_cast<int>(ceil_div(arch.cols, params.columns_per_adc));
  plan.tiles = std::max(1, arch.tiles);
  plan.input_buffer_kib = arch.input_buffer_kib;
  plan.output_buffer_kib = arch.output_buffer_kib;
  plan.global_buffer_kib = arch.global_buffer_kib;
  const bool pipelined = arch.schedule == mapping::Schedule::Pipelined;
  const bool offset_readout = !arch.analog_pairs() && arch.gmin_removal == mapping::GminRemoval::Digital;
  const bool offset_encoding = arch.encoding == mapping::Encoding::Offset;

  // --- arrays ---
  plan.arrays.resize(chip.arrays.size());
  for (std::size_t i = 0; i < chip.arrays.size(); ++i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    const LayerMap& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
    ArrayWork& w = plan.arrays[i];
    const int slices = static_cast<int>(lm.input_slices.size());
    const int groups = static_cast<int>(lm.slice_groups.size());
    w.reads = slices * a.sub_reads(arch);
    w.rounds = groups * a.sub_reads(arch);
    w.reads_per_round = slices / groups;
    w.fetch_bits = static_cast<std::int64_t>(a.rows) * lm.activation_bits;
    // The conversions of a round, one after another on each ADC, timed in ns and rounded up once.
    const std::int64_t conversions = static_cast<std::int64_t>(a.conversions.size());
    const std::int64_t in_sequence = ceil_div(conversions, plan.adcs_per_array);
    const int built = static_cast<int>(params.adc_conversion_ns.size()) - 1;
    const auto cycles_at = [&](int b) {
      const auto bits = static_cast<std::size_t>(b);
      return bits > 0 && bits < params.adc_conversion_ns.size()
                 ? arch.cycles_of_ns(static_cast<double>(in_sequence) * params.adc_conversion_ns[bits])
                 : in_sequence * params.adc_conversion_cycles;
    };
    w.conversion_cycles = cycles_at(lm.resolution(built));
    if (!lm.group_bits.empty() && built > 0)
      for (int g = 0; g < groups; ++g) w.group_conversion_cycles.push_back(cycles_at(lm.group_resolution(g, built)));
    w.per_vector.array_reads = w.reads;
    w.per_vector.dac_drives = static_cast<std::int64_t>(a.rows) * slices;
    w.per_vector.conversions = conversions * w.rounds;
    w.per_vector.sample_holds = plan.integrate ? 0 : conversions * w.rounds;
    w.per_vector.shift_adds = conversions * w.rounds;
    w.per_vector.digital_adds = offset_readout ? conversions * w.rounds : 0;
    if (lm.written) {
      w.vectors_per_write = lm.vectors_per_write;
      const auto l = static_cast<std::size_t>(a.layer_map);
      w.write_cycles = l < params.rewrite_cycles.size() ? params.rewrite_cycles[l] : 0;
      w.cells_per_write = static_cast<std::int64_t>(a.rows) * a.columns;
    }
  }

  // --- stations ---
  const mapping::ProgrammingRounds rounds = mapping::programming_rounds(chip);
  plan.rounds = rounds.count;
  plan.layers.resize(chip.layers.size());
  std::vector<std::vector<int>> consumers(chip.layers.size());
  for (std::size_t l = 0; l < chip.layers.size(); ++l)
    for (int p : producers_of(chip.layers[l]))
      if (p >= 0) consumers[static_cast<std::size_t>(p)].push_back(static_cast<int>(l));

  // Per station, for each of its input links: the producer elements it needs.
  std::vector<std::vector<Ranges>> needs;
  // Per home station: the elements of its layer's unit it writes.
  std::vector<Ranges> holds;

  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    const LayerMap& lm = chip.layers[l];
    LayerPlan& lp = plan.layers[l];
    lp.units = units_per_sample(lm);
    lp.round = rounds.of_layer[l];
    lp.network_output = consumers[l].empty();

    if (!is_matrix(lm)) {
      Station st;
      st.layer = static_cast<int>(l);
      st.tile = lm.tile;
      st.digital = true;
      st.units = lp.units;
      st.home = true;
      const std::int64_t elements = std::max<std::int64_t>(1, ceil_div(lm.output_elements, lp.units));
      st.out_bits = elements * lm.activation_bits;
      std::vector<Ranges> link_needs;
      std::int64_t operand_bits = 0;
      for (int p : producers_of(lm)) {
        UnitShape u;
        InputLink in = link_from(chip, lm, lp.units, p, u);
        in.bits_per_unit = u.elements * u.bits;
        in.accumulate = lp.units == 1 && u.units > 1 && lm.digital.compares + lm.digital.adds > 0;
        operand_bits += ceil_div(in.bits_per_unit * u.units, lp.units);
        st.inputs.push_back(in);
        link_needs.push_back({{0, u.elements}});
      }
      const std::int64_t ops = lm.digital.adds + lm.digital.compares + lm.digital.mults;
      st.digital_cycles_per_unit =
          ceil_div(operand_bits, plan.buffer_width) * plan.input_read_cycles + ceil_div(ceil_div(ops, lp.units), arch.digital_lanes);
      lp.per_sample_digital.digital_adds = lm.digital.adds;
      lp.per_sample_digital.digital_mults = lm.digital.mults;
      lp.per_sample_digital.digital_compares = lm.digital.compares;
      lp.stations.push_back(static_cast<int>(plan.stations.size()));
      lp.homes.push_back(static_cast<int>(plan.stations.size()));
      plan.stations.push_back(std::move(st));
      needs.push_back(std::move(link_needs));
      holds.push_back({{0, elements}});
      continue;
    }

    // Matrix layer: one station per tile holding its arrays, for each copy of its weights; the
    // stations of a copy add their partial sums among themselves.
    for (int copy = 0; copy < lm.copies; ++copy) {
      const std::vector<int> copy_arrays = lm.arrays_of_copy(copy);
      std::map<int, std::vector<int>> by_tile;
      for (int ai : copy_arrays) by_tile[chip.arrays[static_cast<std::size_t>(ai)].tile].push_back(ai);
      std::map<int, int> station_of_tile;
      for (auto& [tile, arrays] : by_tile) {
        std::sort(arrays.begin(), arrays.end(), [&](int a, int b) {
          return chip.arrays[static_cast<std::size_t>(a)].slot < chip.arrays[static_cast<std::size_t>(b)].slot;
        });
        Station st;
        st.layer = static_cast<int>(l);
        st.tile = tile;
        st.units = lp.units;
        st.copy = copy;
        st.copies = lm.copies;
        st.arrays = arrays;
        Ranges rows;
        for (int ai : arrays) {
          const auto& a = chip.arrays[static_cast<std::size_t>(ai)];
          rows.emplace_back(a.row_begin, a.row_begin + a.rows);
        }
        rows = merged(rows);
        std::vector<Ranges> link_needs;
        for (int p : producers_of(lm)) {
          UnitShape u;
          InputLink in = link_from(chip, lm, lp.units, p, u);
          Ranges need = needed_elements(lm, rows, u);
          in.bits_per_unit = size_of(need) * u.bits;
          // A written layer's second operand (its second link) is written whole into every array of
          // the station: each batch element's k × n values, spread over the element's m vectors.
          if (lm.written && st.inputs.size() == 1) {
            need = {{0, u.elements}};
            in.bits_per_unit = ceil_div(static_cast<std::int64_t>(lm.in) * lm.out * u.bits, lm.vectors_per_write);
          }
          st.inputs.push_back(in);
          link_needs.push_back(std::move(need));
        }
        station_of_tile[tile] = static_cast<int>(plan.stations.size());
        lp.stations.push_back(static_cast<int>(plan.stations.size()));
        plan.stations.push_back(std::move(st));
        needs.push_back(std::move(link_needs));
        holds.emplace_back();
      }

      // Column blocks: each meets at the station holding most of its row blocks.
      const int psum_bits = partial_sum_bits(chip, lm);
      std::map<std::pair<int, int>, std::int64_t> psum;  // (from station, home station) -> bits
      for (int cb = 0; cb < lm.col_blocks; ++cb) {
        // The row blocks of this column block that have an array (all-zero blocks have none).
        std::map<int, int> count;  // station -> row blocks
        const mapping::ArrayMap* first_ptr = nullptr;
        int blocks = 0;
        for (int ai : copy_arrays) {
          const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
          if (a.col_block != cb) continue;
          if (!first_ptr) first_ptr = &a;
          ++blocks;
          ++count[station_of_tile[a.tile]];
        }
        int home = count.begin()->first;
        for (const auto& [s, n] : count)
          if (n > count[home]) home = s;
        const auto& first = *first_ptr;
        Station& h = plan.stations[static_cast<std::size_t>(home)];
        h.home = true;
        h.out_bits += static_cast<std::int64_t>(first.outputs) * lm.activation_bits;
        h.adder_cycles = std::max<std::int64_t>(h.adder_cycles, blocks > 1 ? static_cast<std::int64_t>(std::ceil(std::log2(blocks))) : 0);
        h.requantize_cycles = 1;
        // Row-block adds, bias, offset and zero-point removal; scale, and drift rescaling.
        h.per_unit.digital_adds += static_cast<std::int64_t>((blocks - 1) + 1 + (offset_encoding ? 1 : 0) +
                                                             (lm.zero_point_correction ? 1 : 0)) *
                                   first.outputs;
        h.per_unit.digital_mults += static_cast<std::int64_t>(1 + (lm.output_scaling ? 1 : 0)) * first.outputs;
        holds[static_cast<std::size_t>(home)].emplace_back(first.output_begin, first.output_begin + first.outputs);
        for (const auto& [s, n] : count)
          if (s != home) psum[{s, home}] += static_cast<std::int64_t>(first.outputs) * psum_bits;
      }
      for (const auto& [key, bits] : psum) {
        plan.stations[static_cast<std::size_t>(key.first)].partial_sums_to.emplace_back(key.second, bits);
        ++plan.stations[static_cast<std::size_t>(key.second)].partial_sum_sources;
      }
      // The offset encoding removes 2^(wb−1)·Σx once per vector, at the copy's first home.
      bool offset_removed = !offset_encoding;
      for (int s : lp.stations) {
        Station& st = plan.stations[static_cast<std::size_t>(s)];
        if (st.copy != copy) continue;
        holds[static_cast<std::size_t>(s)] = merged(holds[static_cast<std::size_t>(s)]);
        if (!st.home) continue;
        lp.homes.push_back(s);
        if (!offset_removed) st.per_unit.digital_adds += lm.in;
        offset_removed = true;
      }
    }
  }

  // --- where units go ---
  auto add_destination = [](std::vector<Destination>& dests, int station, int link, std::int64_t bits,
                            const Station* from = nullptr) {
    if (bits > 0) dests.push_back({station, link, bits, 0, from ? from->copy : 0, from ? from->copies : 1});
  };
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    LayerPlan& lp = plan.layers[l];
    const LayerMap& lm = chip.layers[l];
    for (int h : lp.homes) {
      Station& home = plan.stations[static_cast<std::size_t>(h)];
      if (!pipelined || lp.network_output) {
        home.destinations.push_back({kGlobalBuffer, 0, home.out_bits, 0, home.copy, home.copies});
        if (!pipelined) continue;
      }
      for (int c : consumers[l]) {
        for (int s : plan.layers[static_cast<std::size_t>(c)].stations) {
          const Station& cs = plan.stations[static_cast<std::size_t>(s)];
          for (std::size_t k = 0; k < cs.inputs.size(); ++k) {
            if (cs.inputs[k].producer != static_cast<int>(l)) continue;
            const std::int64_t bits =
                overlap(holds[static_cast<std::size_t>(h)], needs[static_cast<std::size_t>(s)][k]) * lm.activation_bits;
            add_destination(home.destinations, s, static_cast<int>(k), bits, &home);
          }
        }
      }
    }
    // The global buffer feeds every layer (layer_serial) or the network input (pipelined).
    for (std::size_t k = 0; k < producers_of(lm).size(); ++k) {
      const int p = producers_of(lm)[k];
      if (pipelined && p != kNetworkInput) continue;
      BufferStream bs;
      bs.layer = static_cast<int>(l);
      bs.producer = p;
      const UnitShape u = producer_shape(chip, lm, p);
      bs.units = u.units;
      bs.read_bits = u.elements * u.bits;
      for (int s : lp.stations)
        add_destination(bs.destinations, s, static_cast<int>(k),
                        plan.stations[static_cast<std::size_t>(s)].inputs[k].bits_per_unit);
      lp.streams.push_back(static_cast<int>(plan.streams.size()));
      plan.streams.push_back(std::move(bs));
    }
  }
  // Number the senders of every input link, and each layer's writers into the global buffer.
  auto number = [&](std::vector<Destination>& dests, int layer) {
    for (Destination& d : dests) {
      if (d.station == kGlobalBuffer) {
        d.source_slot = plan.layers[static_cast<std::size_t>(layer)].buffer_senders++;
        continue;
      }
      InputLink& in = plan.stations[static_cast<std::size_t>(d.station)].inputs[static_cast<std::size_t>(d.link)];
      d.source_slot = in.sources++;
    }
  };
  for (Station& st : plan.stations)
    for (InputLink& in : st.inputs) in.sources = 0;
  for (Station& st : plan.stations) number(st.destinations, st.layer);
  for (BufferStream& bs : plan.streams) number(bs.destinations, bs.layer);

  detail::size_tile_buffers(plan, chip);
  detail::size_global_buffer(plan, chip, params, consumers);
  return plan;
}

}  // namespace cimsim::engine
