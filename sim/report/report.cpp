#include "sim/report/report.hpp"
#include "sim/report/mapping_summary.hpp"
#include "sim/report/sections.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "sim/config/node.hpp"
#include "sim/cost/memories_report.hpp"
#include "sim/report/trace_perfetto.hpp"

namespace cimsim::report {

using json::quantity;
using json::Value;

Value breakdown_json(const cost::Breakdown& b, const std::string& unit) {
  Value o = Value::object();
  for (const auto& [name, v] : b) o.set(name, quantity(v, unit));
  return o;
}

namespace {

const char* schedule_name(mapping::Schedule s) {
  return s == mapping::Schedule::Pipelined ? "pipelined" : "layer_serial";
}

double adcs_per_array(const run::Simulation& sim) {
  return std::ceil(static_cast<double>(sim.chip.arch.cols) / sim.adc->common().columns_per_adc);
}

// Utilization of what the run used: mapped arrays and their ADCs, interconnect links, digital units.
struct Utilization {
  double arrays = 0, adcs = 0, busiest_link = 0, links = 0, digital = 0;
};

Utilization utilization_of(const run::Simulation& sim) {
  const auto& t = sim.timing;
  double array_busy = 0, adc_busy = 0;
  for (const auto& l : t.layers) {
    array_busy += static_cast<double>(l.array_busy_cycles);
    adc_busy += static_cast<double>(l.adc_busy_cycles);
  }
  const double arrays = static_cast<double>(sim.chip.arrays.size());
  const double cycles = static_cast<double>(t.cycles);
  Utilization u;
  u.arrays = utilization(array_busy, arrays, cycles);
  u.adcs = utilization(adc_busy, arrays * adcs_per_array(sim), cycles);
  u.busiest_link = utilization(static_cast<double>(t.bus_busy_cycles), 1, cycles);
  u.links = utilization(static_cast<double>(t.link_busy_cycles), t.links, cycles);
  u.digital = utilization(static_cast<double>(t.digital_busy_cycles), sim.chip.tiles_used, cycles);
  return u;
}

}  // namespace

Metrics metrics_of(const run::Simulation& sim) {
  Metrics m;
  const auto accs = instance_accuracies(sim);
  m.accuracy = stats_of(accs).mean;
  m.energy_pj = cost::sum(sim.cost.energy);
  m.area_mm2 = cost::sum(sim.cost.area);
  m.latency_ns = sim.timing.latency_ns();
  m.cycles = sim.timing.cycles;
  // Products of two activations count where they run on arrays (mapping.activation_products).
  m.macs = static_cast<double>(sim.network.macs_per_sample() + sim.chip.written_macs());
  const double ops = 2.0 * m.macs;  // 1 MAC = 2 ops
  m.tops_per_w = m.energy_pj > 0 ? ops / m.energy_pj : 0;  // ops/pJ = 1e12 ops/J
  m.tops = m.latency_ns > 0 ? ops * sim.timing.inferences / (m.latency_ns * 1e-9) / 1e12 : 0;
  m.tops_per_mm2 = m.area_mm2 > 0 ? m.tops / m.area_mm2 : 0;
  m.macro_energy_pj = cost::macro_sum(sim.cost.energy);
  m.macro_area_mm2 = cost::macro_sum(sim.cost.area);
  m.macro_tops_per_w = m.macro_energy_pj > 0 ? ops / m.macro_energy_pj : 0;
  m.macro_tops_per_mm2 = m.macro_area_mm2 > 0 ? m.tops / m.macro_area_mm2 : 0;
  return m;
}

Value build_json(const run::Simulation& sim) {
  const Metrics m = metrics_of(sim);
  const mapping::ChipMap& chip = sim.chip;
  const engine::TimingResult& t = sim.timing;
  Value root = Value::object();
  root.set("cimsim_version", CIMSIM_VERSION);
  root.set("config", sim.config.source());

  Value& net = root["network"];
  net.set("name", sim.network.name);
  net.set("source", sim.network.source);
  net.set("layers", static_cast<long long>(sim.network.layers.size()));
  net.set("macs_per_inference", quantity(m.macs, "MAC"));
  net.set("test_samples", quantity(static_cast<double>(sim.eval.samples), "samples"));

  root.set("accuracy", accuracy_section(sim));

  Value& perf = root["performance"];
  perf.set("inferences_timed", quantity(t.inferences, "inferences"));
  perf.set("cycles", quantity(static_cast<double>(t.cycles), "cycles"));
  perf.set("clock", quantity(chip.arch.clock_mhz, "MHz"));
  perf.set("latency", quantity(m.latency_ns, "ns"));
  perf.set("latency_per_inference", quantity(m.latency_ns / t.inferences, "ns"));
  perf.set("throughput", quantity(m.latency_ns > 0 ? t.inferences / (m.latency_ns * 1e-9) : 0, "inferences/s"));
  perf.set("tops", quantity(m.tops, "TOPS"));
  perf.set("tops_per_w", quantity(m.tops_per_w, "TOPS/W"));
  perf.set("tops_per_mm2", quantity(m.tops_per_mm2, "TOPS/mm^2"));
  // Published macros quote their arrays and periphery; chips quote the whole chip. Both, named.
  auto level = [&](const char* key, const char* counts, double pj, double mm2, double per_w, double per_mm2) {
    Value& v = perf[key];
    v.set("counts", counts);
    v.set("energy_per_inference", quantity(pj, "pJ"));
    v.set("area", quantity(mm2, "mm^2"));
    v.set("tops_per_w", quantity(per_w, "TOPS/W"));
    v.set("tops_per_mm2", quantity(per_mm2, "TOPS/mm^2"));
  };
  level("chip_level",
        "the whole chip: macros, tile and global buffers, interconnect, digital units, control, leakage, off-chip "
        "links (the same as "
        "tops_per_w and tops_per_mm2 above)",
        m.energy_pj, m.area_mm2, m.tops_per_w, m.tops_per_mm2);
  level("macro_level",
        "the macros only: cells, DACs, sample-and-holds, ADCs, shift-adds, row decoders, word-line drivers, column "
        "multiplexers and macro control, over the same operations and time",
        m.macro_energy_pj, m.macro_area_mm2, m.macro_tops_per_w, m.macro_tops_per_mm2);
  perf.set("schedule", schedule_name(chip.arch.schedule));
  const double steady = t.steady_cycles_per_inference;
  perf.set("interval_per_inference", quantity(steady, "cycles"));
  perf.set("throughput_steady", quantity(steady > 0 ? 1e9 / (steady * t.cycle_ns) : 0, "inferences/s"));
  perf.set("reprogram_stall", quantity(static_cast<double>(t.reprogram_cycles), "cycles"));

  Value& energy = root["energy"];
  // Where the data-dependent read energy (cells, row drivers) comes from: `measured` over the test
  // set by the functional engine, or `uniform_digits` (an estimate, docs/energy-area.md).
  energy.set("read_activity", sim.full ? "measured" : "uniform_digits");
  energy.set("per_inference", quantity(m.energy_pj, "pJ"));
  energy.set("components", breakdown_json(sim.cost.energy, "pJ"));
  Value& epa = energy["per_action"];
  const auto& pa = sim.cost.per_action;
  epa.set("dac_drive", quantity(pa.dac_pj, "pJ"));
  epa.set("sample_hold", quantity(pa.sample_hold_pj, "pJ"));
  epa.set("adc_conversion", quantity(pa.adc_pj, "pJ"));
  epa.set("shift_add", quantity(pa.shift_add_pj, "pJ"));
  epa.set("digital_add", quantity(pa.add_pj, "pJ"));
  epa.set("digital_mult", quantity(pa.mult_pj, "pJ"));
  epa.set("tile_input_buffer_read_bit", quantity(pa.input_read_pj_per_bit, "pJ/bit"));
  epa.set("tile_input_buffer_write_bit", quantity(pa.input_write_pj_per_bit, "pJ/bit"));
  epa.set("interconnect_bit", quantity(pa.bus_pj_per_bit, "pJ/bit"));
  epa.set("tile_output_buffer_write_bit", quantity(pa.output_write_pj_per_bit, "pJ/bit"));
  epa.set("global_buffer_read_bit", quantity(pa.global_read_pj_per_bit, "pJ/bit"));
  epa.set("global_buffer_write_bit", quantity(pa.global_write_pj_per_bit, "pJ/bit"));
  epa.set("dram_bit", quantity(pa.dram_pj_per_bit, "pJ/bit"));
  epa.set("digital_compare", quantity(pa.compare_pj, "pJ"));
  epa.set("control_op", quantity(pa.control_pj, "pJ"));
  epa.set("leakage_power", quantity(pa.leakage_w * 1e3, "mW"));
  epa.set("io_power", quantity(pa.io_w * 1e3, "mW"));

  Value& area = root["area"];
  area.set("total", quantity(m.area_mm2, "mm^2"));
  area.set("components", breakdown_json(sim.cost.area, "mm^2"));
  area.set("tile", quantity(sim.cost.tile_mm2, "mm^2"));
  // The configured chip above; what the network occupies of it here (the same with chip.tiles: auto).
  area.set("used_tiles", quantity(sim.cost.used_tiles_mm2, "mm^2"));
  area.set("tiles_used", quantity(chip.tiles_used, "tiles"));
  area.set("link_length", quantity(sim.cost.link_mm, "mm"));

  root.set("memories", cost::memories_json(sim.cost, sim.timing));

  const cost::ProgrammingCost& pc = sim.cost.programming;
  Value& prog = root["programming"];
  prog.set("characterised", pc.characterised);
  prog.set("cells", quantity(static_cast<double>(pc.cells), "cells"));
  prog.set("energy", quantity(pc.energy_pj, "pJ"));
  prog.set("time", quantity(pc.round_time_ns.empty() ? 0 : pc.round_time_ns.front(), "ns"));
  prog.set("rounds", quantity(pc.rounds(), "rounds"));
  prog.set("reprogram_energy_per_batch", quantity(pc.reprogram_energy_per_batch_pj(), "pJ"));
  prog.set("reprogram_time_per_batch", quantity(pc.reprogram_time_per_batch_ns(), "ns"));
  prog.set("writes_per_cell_per_batch", quantity(pc.writes_per_cell_per_batch(), "writes"));
  prog.set("endurance", quantity(pc.endurance_writes, "writes"));
  prog.set("weights_from_dram", quantity(pc.dram_bits, "bit"));
  const double batches = pc.writes_per_cell_per_batch() > 0 && pc.endurance_writes > 0
                             ? pc.endurance_writes / pc.writes_per_cell_per_batch()
                             : 0;
  prog.set("batches_to_wear_out", quantity(batches, "batches"));
  prog.set("inferences_to_wear_out", quantity(batches * t.inferences, "inferences"));
  // Arrays rewritten per input (mapping.activation_products: arrays) wear with every inference.
  std::int64_t rewrites = 0;
  for (const auto& lm : chip.layers)
    if (lm.written) rewrites = std::max(rewrites, lm.vectors_per_sample / lm.vectors_per_write);
  prog.set("rewrites_per_cell_per_inference", quantity(static_cast<double>(rewrites), "writes"));
  prog.set("inferences_to_wear_out_rewritten",
           quantity(rewrites > 0 && pc.endurance_writes > 0 ? pc.endurance_writes / static_cast<double>(rewrites) : 0,
                    "inferences"));

  Value& mp = root["mapping"];
  const double arrays_avail = static_cast<double>(chip.arch.arrays_total());
  mp.set("arrays_used", quantity(static_cast<double>(chip.arrays.size()), "arrays"));
  mp.set("arrays_available", quantity(arrays_avail, "arrays"));
  mp.set("tiles_used", quantity(chip.tiles_used, "tiles"));
  // Weight duplication (mapping.copies): the arrays that hold second and later copies, and their
  // share of the layers' area.
  double copy_area = 0;
  for (std::size_t i = 0; i < chip.layers.size(); ++i) {
    const auto& lm = chip.layers[i];
    if (lm.copies > 1) copy_area += sim.cost.layer_area_mm2[i] * (lm.copies - 1) / lm.copies;
  }
  mp.set("copy_arrays", quantity(static_cast<double>(chip.copy_array_count()), "arrays"));
  mp.set("copy_area", quantity(copy_area, "mm^2"));
  mp.set("cell_utilization",
         quantity(static_cast<double>(chip.cells_used()) /
                      (static_cast<double>(chip.arrays.size()) * static_cast<double>(chip.arch.cells_per_array())),
                  "fraction of the used arrays' cells"));
  mp.set("encoding", mapping::encoding_name(chip.arch.encoding));
  mp.set("bits_per_cell", quantity(chip.arch.bits_per_cell, "bit"));
  mp.set("dac_bits", quantity(chip.dac_bits, "bit"));
  mp.set("adc_bits", quantity(sim.adc->bits(), "bit"));
  mp.set("lossless_adc_bits", quantity(sim.eval.lossless_adc_bits, "bit"));
  mp.set("current_unit", quantity(sim.eval.current_unit_ua, "uA"));
  // Sizes the config left to the run (`auto`), as chosen: resolved.yaml holds the same values.
  Value chosen = Value::object();
  for (const auto& a : sim.auto_sizes) chosen.set(a.key, quantity(a.value, a.unit));
  mp.set("auto_sizes", std::move(chosen));

  Value& util = root["utilization"];
  const Utilization u = utilization_of(sim);
  util.set("arrays", quantity(u.arrays, "fraction of mapped arrays' cycles"));
  util.set("adcs", quantity(u.adcs, "fraction of mapped ADCs' cycles"));
  util.set("bus", quantity(u.busiest_link, "fraction of cycles (the bus, or the busiest mesh link)"));
  util.set("global_buffer_peak", quantity(static_cast<double>(t.global_buffer_peak_bits), "bit"));
  util.set("global_buffer_capacity", quantity(static_cast<double>(t.global_buffer_capacity_bits), "bit"));
  util.set("interconnect_links", quantity(u.links, "fraction of all links' cycles"));
  util.set("digital_units", quantity(u.digital, "fraction of used tiles' digital-unit cycles"));

  root.set("layers", layers_section(sim));

  Value& run = root["simulation"];
  run.set("seed", static_cast<long long>(sim.settings.seed));
  run.set("timing_kernel_events", quantity(static_cast<double>(t.kernel_events), "events"));
  if (t.trace || !t.vcd_file.empty()) {
    Value& tr = root["traces"];
    if (t.trace) {
      tr.set("perfetto", "trace.json");
      tr.set("slices", quantity(static_cast<double>(t.trace->slices.size()), "slices"));
      tr.set("dropped_slices", quantity(static_cast<double>(t.trace->dropped), "slices"));
    }
    if (!t.vcd_file.empty()) tr.set("vcd", "timing.vcd");
  }
  return root;
}

json::Value build_wallclock_json(const run::Simulation& sim) {
  Value root = Value::object();
  root.set("functional", quantity(sim.functional_seconds, "s"));
  root.set("timing", quantity(sim.timing_seconds, "s"));
  root.set("total", quantity(sim.wall_seconds, "s"));
  return root;
}

std::string build_layers_csv(const run::Simulation& sim) {
  const auto& chip = sim.chip;
  const auto& t = sim.timing;
  std::string out =
      "layer,type,inputs,outputs,macs,arrays,row_blocks,col_blocks,weight_slices,input_slices,"
      "start_cycle,end_cycle,cycles,latency_ns,energy_pj";
  if (!sim.cost.layer_energy.empty())
    for (const auto& kv : sim.cost.layer_energy.front()) out += ",energy_" + kv.first + "_pj";
  out += ",array_reads,adc_conversions,dac_drives,area_mm2\n";
  for (std::size_t i = 0; i < chip.layers.size(); ++i) {
    const auto& lm = chip.layers[i];
    const auto& lt = t.layers[i];
    const auto& layer = sim.network.layers[static_cast<std::size_t>(lm.layer)];
    const std::int64_t cyc = lt.end_cycle - lt.start_cycle;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", lm.name, layer.type_name(), lm.in,
                       lm.out, layer.macs_per_sample() + mapping::written_macs(lm), lm.placed_arrays(), lm.row_blocks, lm.col_blocks,
                       lm.weight_slices, lm.input_slices.size(), lt.start_cycle, lt.end_cycle, cyc,
                       static_cast<double>(cyc) * t.cycle_ns, cost::sum(sim.cost.layer_energy[i]));
    for (const auto& kv : sim.cost.layer_energy[i]) out += fmt::format(",{}", kv.second);
    const double per = t.inferences;
    out += fmt::format(",{},{},{},{}\n", lt.counts.array_reads / per, lt.counts.conversions / per,
                       lt.counts.dac_drives / per, sim.cost.layer_area_mm2[i]);
  }
  return out;
}

std::string console_summary(const run::Simulation& sim, const std::string& output_dir) {
  const Metrics m = metrics_of(sim);
  const auto& chip = sim.chip;
  std::string out;
  out += fmt::format("cimsim {}  {}\n", CIMSIM_VERSION, sim.config.source());
  out += mapping_summary(sim);
  if (!sim.full) {
    out += "accuracy    not measured: an estimate (run.mode: " + sim.settings.mode +
           "), no chip programmed; read energy for uniform digits\n";
  } else if (!sim.eval.labelled) {
    out += fmt::format("accuracy    not measured: the {} test samples have no labels\n", sim.eval.samples);
  } else {
    std::string acc = fmt::format("{:.2f} %", 100 * m.accuracy);
    if (sim.eval.instances.size() > 1) {
      const Stats s = stats_of(instance_accuracies(sim));
      acc += fmt::format(" mean over {} chips (std {:.2f} %, min {:.2f} %)", sim.eval.instances.size(), 100 * s.std,
                         100 * s.min);
    }
    out += fmt::format("accuracy    {}  (float {:.2f} %, quantized {:.2f} %, {} test samples)\n", acc,
                       100 * sim.eval.float_accuracy, 100 * sim.eval.quantized_accuracy, sim.eval.samples);
  }
  const auto& var = sim.variability;
  if (!var.corners.empty()) {
    std::string line;
    for (const auto& c : var.corners)
      line += fmt::format("{}{} sigma {:.2f} %", line.empty() ? "" : ", ",
                          c.sigma == 0 ? std::string("0") : fmt::format("{:+g}", c.sigma), 100 * c.accuracy);
    out += fmt::format("corners     {}\n", line);
  }
  if (var.worst_case.run)
    out += fmt::format("worst case  {:.2f} % within +-{:g} sigma of {} (searched pattern, report.json has how)\n",
                       100 * var.worst_case.accuracy, var.worst_case.sigma_budget, var.worst_case.variation);
  out += fmt::format("energy      {:.1f} pJ per inference\n", m.energy_pj);
  out += fmt::format("area        {:.3f} mm^2", m.area_mm2);
  if (chip.tiles_used < chip.arch.tiles)
    out += fmt::format(" ({:.3f} mm^2 in the {} tiles the network uses)", sim.cost.used_tiles_mm2, chip.tiles_used);
  out += "\n";
  out += fmt::format("latency     {:.1f} ns  ({} cycles at {:g} MHz, {} inference{})\n", m.latency_ns, m.cycles,
                     chip.arch.clock_mhz, sim.timing.inferences, sim.timing.inferences == 1 ? "" : "s");
  out += fmt::format("efficiency  chip level {:.3f} TOPS/W, {:.4f} TOPS/mm^2, {:.4f} TOPS\n", m.tops_per_w,
                     m.tops_per_mm2, m.tops);
  out += fmt::format("            macro level (arrays and their periphery) {:.3f} TOPS/W, {:.4f} TOPS/mm^2\n",
                     m.macro_tops_per_w, m.macro_tops_per_mm2);
  const Utilization u = utilization_of(sim);
  out += fmt::format("utilization {}: arrays {:.1f} %, ADCs {:.1f} %, busiest link {:.1f} %\n",
                     schedule_name(chip.arch.schedule), 100 * u.arrays, 100 * u.adcs, 100 * u.busiest_link);
  const cost::ProgrammingCost& pc = sim.cost.programming;
  if (pc.characterised)
    out += fmt::format("programming {:.1f} nJ, {:.1f} us for {} cells ({} round{})\n", pc.energy_pj * 1e-3,
                       (pc.round_time_ns.empty() ? 0 : pc.round_time_ns.front()) * 1e-3, pc.cells, pc.rounds(),
                       pc.rounds() == 1 ? "" : "s");
  else
    out += fmt::format("programming {} cells; write cost not characterised by the cell model\n", pc.cells);
  if (!output_dir.empty())
    out += fmt::format("report      {}/report.json (also layers.csv, resolved.yaml)\n", output_dir);
  out += fmt::format("run time    {:.2f} s (functional {:.2f} s, timing {:.2f} s)\n", sim.wall_seconds,
                     sim.functional_seconds, sim.timing_seconds);
  return out;
}

const std::vector<std::string>& output_files() {
  static const std::vector<std::string> files = {"report.json", "layers.csv", "resolved.yaml", "wallclock.json",
                                                 "trace.json", "timing.vcd"};
  return files;
}

void write_outputs(const run::Simulation& sim, util::StagedFolder& out) {
  // Everything is built before anything is written.
  const std::string report = build_json(sim).dump(2);
  const std::string csv = build_layers_csv(sim);
  const std::string resolved =
      "# Resolved configuration of this run: every parameter, defaults filled, paths absolute.\n" +
      config::to_yaml(sim.config.resolved());
  const std::string trace = sim.timing.trace ? perfetto_json(*sim.timing.trace) : std::string();
  out.write("resolved.yaml", resolved);
  out.write("layers.csv", csv);
  if (sim.timing.trace) out.write("trace.json", trace);
  out.write("report.json", report);
  out.write("wallclock.json", build_wallclock_json(sim).dump(2));
  out.commit(output_files());
}

}  // namespace cimsim::report
