#include "sim/report/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "sim/config/node.hpp"
#include "sim/util/atomic_file.hpp"

namespace cimsim::report {

using json::quantity;
using json::Value;

namespace {

struct Stats {
  double mean = 0, std = 0, min = 0, max = 0;
};

Stats stats_of(const std::vector<double>& xs) {
  Stats s;
  if (xs.empty()) return s;
  s.min = s.max = xs.front();
  for (double x : xs) {
    s.mean += x;
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
  }
  s.mean /= static_cast<double>(xs.size());
  if (xs.size() > 1) {
    double v = 0;
    for (double x : xs) v += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(v / static_cast<double>(xs.size() - 1));
  }
  return s;
}

std::vector<double> instance_accuracies(const run::Simulation& sim) {
  std::vector<double> out;
  for (const auto& i : sim.eval.instances) out.push_back(i.accuracy);
  return out;
}

Value breakdown_json(const cost::Breakdown& b, const std::string& unit) {
  Value o = Value::object();
  for (const auto& [name, v] : b) o.set(name, quantity(v, unit));
  return o;
}

Value counts_json(const functional::ActionCounts& c, double per) {
  Value o = Value::object();
  o.set("array_reads", quantity(c.array_reads / per, "reads"));
  o.set("dac_drives", quantity(c.dac_drives / per, "row drives"));
  o.set("adc_conversions", quantity(c.conversions / per, "conversions"));
  o.set("sample_holds", quantity(c.sample_holds / per, "samples"));
  o.set("shift_adds", quantity(c.shift_adds / per, "operations"));
  o.set("digital_adds", quantity(c.digital_adds / per, "operations"));
  o.set("digital_mults", quantity(c.digital_mults / per, "operations"));
  return o;
}

double utilization(double busy, double units, double cycles) {
  return units > 0 && cycles > 0 ? busy / (units * cycles) : 0.0;
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
  m.macs = static_cast<double>(sim.network.macs_per_sample());
  const double ops = 2.0 * m.macs;  // 1 MAC = 2 ops
  m.tops_per_w = m.energy_pj > 0 ? ops / m.energy_pj : 0;  // ops/pJ = 1e12 ops/J
  m.tops = m.latency_ns > 0 ? ops * sim.timing.inferences / (m.latency_ns * 1e-9) / 1e12 : 0;
  m.tops_per_mm2 = m.area_mm2 > 0 ? m.tops / m.area_mm2 : 0;
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

  Value& acc = root["accuracy"];
  const Stats s = stats_of(instance_accuracies(sim));
  acc.set("chip", quantity(s.mean, "fraction"));
  acc.set("float", quantity(sim.eval.float_accuracy, "fraction"));
  acc.set("quantized", quantity(sim.eval.quantized_accuracy, "fraction"));
  acc.set("chip_instances", quantity(static_cast<double>(sim.eval.instances.size()), "chips"));
  acc.set("chip_std", quantity(s.std, "fraction"));
  acc.set("chip_min", quantity(s.min, "fraction"));
  acc.set("chip_max", quantity(s.max, "fraction"));
  Value per = Value::array();
  for (double a : instance_accuracies(sim)) per.push(a);
  acc.set("per_instance", std::move(per));
  acc.set("per_instance_unit", "fraction");
  acc.set("t_inference", quantity(sim.settings.t_inference_s, "s"));

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

  Value& energy = root["energy"];
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
  epa.set("sram_bit", quantity(pa.sram_pj_per_bit, "pJ/bit"));
  epa.set("interconnect_bit", quantity(pa.bus_pj_per_bit, "pJ/bit"));

  Value& area = root["area"];
  area.set("total", quantity(m.area_mm2, "mm^2"));
  area.set("components", breakdown_json(sim.cost.area, "mm^2"));

  Value& mp = root["mapping"];
  const double arrays_avail = static_cast<double>(chip.arch.arrays_total());
  mp.set("arrays_used", quantity(static_cast<double>(chip.arrays.size()), "arrays"));
  mp.set("arrays_available", quantity(arrays_avail, "arrays"));
  mp.set("tiles_used", quantity(chip.tiles_used, "tiles"));
  mp.set("cell_utilization",
         quantity(static_cast<double>(chip.cells_used()) /
                      (static_cast<double>(chip.arrays.size()) * chip.arch.rows * chip.arch.cols),
                  "fraction of the used arrays' cells"));
  mp.set("encoding", mapping::encoding_name(chip.arch.encoding));
  mp.set("bits_per_cell", quantity(chip.arch.bits_per_cell, "bit"));
  mp.set("dac_bits", quantity(chip.dac_bits, "bit"));
  mp.set("adc_bits", quantity(sim.adc->bits(), "bit"));
  mp.set("lossless_adc_bits", quantity(sim.eval.lossless_adc_bits, "bit"));
  mp.set("current_unit", quantity(sim.eval.current_unit_ua, "uA"));

  Value& util = root["utilization"];
  double array_busy = 0, adc_busy = 0;
  for (const auto& l : t.layers) {
    array_busy += static_cast<double>(l.array_busy_cycles);
    adc_busy += static_cast<double>(l.adc_busy_cycles);
  }
  const double adcs = static_cast<double>(chip.arrays.size()) *
                      std::ceil(static_cast<double>(chip.arch.cols) / sim.adc->common().columns_per_adc);
  util.set("arrays", quantity(utilization(array_busy, static_cast<double>(chip.arrays.size()), t.cycles),
                              "fraction of mapped arrays' cycles"));
  util.set("adcs", quantity(utilization(adc_busy, adcs, t.cycles), "fraction of mapped ADCs' cycles"));
  util.set("bus", quantity(utilization(static_cast<double>(t.bus_busy_cycles), 1, t.cycles), "fraction of cycles"));
  util.set("global_buffer_peak", quantity(static_cast<double>(t.global_buffer_peak_bits), "bit"));
  util.set("global_buffer_capacity", quantity(static_cast<double>(t.global_buffer_capacity_bits), "bit"));

  Value layers = Value::array();
  for (std::size_t i = 0; i < chip.layers.size(); ++i) {
    const auto& lm = chip.layers[i];
    const auto& lt = t.layers[i];
    Value l = Value::object();
    l.set("name", lm.name);
    l.set("type", workload::op_name(sim.network.layers[static_cast<std::size_t>(lm.layer)].op));
    l.set("inputs", quantity(lm.in, "elements"));
    l.set("outputs", quantity(lm.out, "elements"));
    l.set("macs", quantity(static_cast<double>(sim.network.layers[static_cast<std::size_t>(lm.layer)].macs_per_sample()), "MAC"));
    l.set("weight_bits", quantity(lm.weight_bits, "bit"));
    l.set("activation_bits", quantity(lm.activation_bits, "bit"));
    l.set("arrays", quantity(static_cast<double>(lm.arrays.size()), "arrays"));
    l.set("row_blocks", quantity(lm.row_blocks, "blocks"));
    l.set("col_blocks", quantity(lm.col_blocks, "blocks"));
    l.set("weight_slices", quantity(lm.weight_slices, "slices"));
    l.set("input_slices", quantity(static_cast<double>(lm.input_slices.size()), "slices"));
    l.set("start", quantity(static_cast<double>(lt.start_cycle), "cycles"));
    l.set("end", quantity(static_cast<double>(lt.end_cycle), "cycles"));
    l.set("cycles", quantity(static_cast<double>(lt.end_cycle - lt.start_cycle), "cycles"));
    l.set("energy", quantity(cost::sum(sim.cost.layer_energy[i]), "pJ"));
    l.set("energy_components", breakdown_json(sim.cost.layer_energy[i], "pJ"));
    l.set("actions_per_inference", counts_json(lt.counts, t.inferences));
    layers.push(std::move(l));
  }
  root.set("layers", std::move(layers));

  Value& run = root["simulation"];
  run.set("seed", static_cast<long long>(sim.settings.seed));
  run.set("timing_kernel_events", quantity(static_cast<double>(t.kernel_events), "events"));
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
  out += ",array_reads,adc_conversions,dac_drives\n";
  for (std::size_t i = 0; i < chip.layers.size(); ++i) {
    const auto& lm = chip.layers[i];
    const auto& lt = t.layers[i];
    const auto& layer = sim.network.layers[static_cast<std::size_t>(lm.layer)];
    const std::int64_t cyc = lt.end_cycle - lt.start_cycle;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", lm.name, workload::op_name(layer.op), lm.in,
                       lm.out, layer.macs_per_sample(), lm.arrays.size(), lm.row_blocks, lm.col_blocks,
                       lm.weight_slices, lm.input_slices.size(), lt.start_cycle, lt.end_cycle, cyc,
                       static_cast<double>(cyc) * t.cycle_ns, cost::sum(sim.cost.layer_energy[i]));
    for (const auto& kv : sim.cost.layer_energy[i]) out += fmt::format(",{}", kv.second);
    const double per = t.inferences;
    out += fmt::format(",{},{},{}\n", lt.counts.array_reads / per, lt.counts.conversions / per,
                       lt.counts.dac_drives / per);
  }
  return out;
}

std::string console_summary(const run::Simulation& sim, const std::string& output_dir) {
  const Metrics m = metrics_of(sim);
  const auto& chip = sim.chip;
  std::string out;
  out += fmt::format("cimsim {}  {}\n", CIMSIM_VERSION, sim.config.source());
  out += fmt::format("network     {} ({} layers, {} on arrays, {} MAC per inference) on {} arrays in {} tiles\n",
                     sim.network.name, sim.network.layers.size(), sim.network.matrix_layers().size(),
                     static_cast<long long>(m.macs), chip.arrays.size(), chip.tiles_used);
  std::string acc = fmt::format("{:.2f} %", 100 * m.accuracy);
  if (sim.eval.instances.size() > 1) {
    const Stats s = stats_of(instance_accuracies(sim));
    acc += fmt::format(" mean over {} chips (std {:.2f} %, min {:.2f} %)", sim.eval.instances.size(), 100 * s.std,
                       100 * s.min);
  }
  out += fmt::format("accuracy    {}  (float {:.2f} %, quantized {:.2f} %, {} test samples)\n", acc,
                     100 * sim.eval.float_accuracy, 100 * sim.eval.quantized_accuracy, sim.eval.samples);
  out += fmt::format("energy      {:.1f} pJ per inference\n", m.energy_pj);
  out += fmt::format("area        {:.3f} mm^2\n", m.area_mm2);
  out += fmt::format("latency     {:.1f} ns  ({} cycles at {:g} MHz, {} inference{})\n", m.latency_ns, m.cycles,
                     chip.arch.clock_mhz, sim.timing.inferences, sim.timing.inferences == 1 ? "" : "s");
  out += fmt::format("efficiency  {:.3f} TOPS/W, {:.4f} TOPS/mm^2, {:.4f} TOPS\n", m.tops_per_w, m.tops_per_mm2,
                     m.tops);
  if (!output_dir.empty())
    out += fmt::format("report      {}/report.json (also layers.csv, resolved.yaml)\n", output_dir);
  out += fmt::format("run time    {:.2f} s (functional {:.2f} s, timing {:.2f} s)\n", sim.wall_seconds,
                     sim.functional_seconds, sim.timing_seconds);
  return out;
}

void write_outputs(const run::Simulation& sim, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": error: cannot create the output folder: " + ec.message());
  // Everything is built before anything is written.
  const std::string report = build_json(sim).dump(2);
  const std::string csv = build_layers_csv(sim);
  const std::string resolved =
      "# Resolved configuration of this run: every parameter, defaults filled, paths absolute.\n" +
      config::to_yaml(sim.config.resolved());
  util::write_file_atomically(dir + "/resolved.yaml", resolved);
  util::write_file_atomically(dir + "/layers.csv", csv);
  util::write_file_atomically(dir + "/report.json", report);
  util::write_file_atomically(dir + "/wallclock.json", build_wallclock_json(sim).dump(2));
}

}  // namespace cimsim::report
