#include "sim/cost/memories_report.hpp"

#include <algorithm>

namespace cimsim::cost {

namespace {

using json::quantity;
using json::Value;

Value buffer_json(const models::BufferFigures& b, double instances, double leakage_pj) {
  const models::MemoryFigures& f = b.figures;
  Value o = Value::object();
  o.set("technology", f.technology);
  o.set("nonvolatile", f.nonvolatile);
  o.set("instances", quantity(instances, "buffers"));
  o.set("capacity", quantity(b.capacity_kib, "KiB each"));
  o.set("banks", quantity(b.banks, "banks"));
  o.set("word", quantity(f.word_bits, "bit"));
  o.set("read_energy", quantity(f.read_pj, "pJ per word"));
  o.set("write_energy", quantity(f.write_pj, "pJ per word"));
  o.set("read_latency", quantity(f.read_ns, "ns"));
  o.set("write_latency", quantity(f.write_ns, "ns"));
  o.set("read_port_cycles", quantity(b.read_cycles, "cycles per word"));
  o.set("write_port_cycles", quantity(b.write_cycles, "cycles per word"));
  o.set("leakage_power", quantity(f.leakage_mw * instances, "mW while powered"));
  o.set("leakage_energy", quantity(leakage_pj, "pJ per inference"));
  o.set("area", quantity(f.area_mm2 * instances, "mm^2"));
  if (f.organisation.rows > 0) {
    Value org = Value::object();
    org.set("subarray_rows", quantity(f.organisation.rows, "rows"));
    org.set("subarray_columns", quantity(f.organisation.cols, "columns"));
    org.set("column_mux", quantity(f.organisation.column_mux, "columns per sense amplifier"));
    org.set("subarrays_per_bank", quantity(f.organisation.subarrays, "sub-arrays"));
    org.set("active_subarrays", quantity(f.organisation.active_subarrays, "sub-arrays per access"));
    org.set("htree", quantity(f.organisation.htree_mm, "mm"));
    o.set("organisation", std::move(org));
  }
  return o;
}

}  // namespace

json::Value memories_json(const CostResult& cost, const engine::TimingResult& timing) {
  Value m = Value::object();
  const double per = std::max(1, timing.inferences);
  std::int64_t dram_read = 0, dram_write = 0;
  for (const auto& l : timing.layers) {
    dram_read += l.traffic.dram_read_bits;
    dram_write += l.traffic.dram_write_bits;
  }
  m.set("tile_input_buffer", buffer_json(cost.buffers.input, cost.tiles, cost.input_leakage_pj));
  m.set("tile_output_buffer", buffer_json(cost.buffers.output, cost.tiles, cost.output_leakage_pj));
  m.set("global_buffer", buffer_json(cost.buffers.global, 1, cost.global_leakage_pj));
  Value d = Value::object();
  d.set("read", quantity(static_cast<double>(dram_read) / per, "bit per inference"));
  d.set("write", quantity(static_cast<double>(dram_write) / per, "bit per inference"));
  d.set("energy_per_bit", quantity(cost.per_action.dram_pj_per_bit, "pJ/bit"));
  m.set("dram", std::move(d));
  return m;
}

}  // namespace cimsim::cost
