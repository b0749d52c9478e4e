// report.json's "layers" section: per mapped layer, its shape, mapping, area, timing, energy and
// actions.

#include "sim/report/sections.hpp"

namespace cimsim::report {

using json::quantity;
using json::Value;

namespace {

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

}  // namespace

Value layers_section(const run::Simulation& sim) {
  const mapping::ChipMap& chip = sim.chip;
  const engine::TimingResult& t = sim.timing;
  Value layers = Value::array();
  for (std::size_t i = 0; i < chip.layers.size(); ++i) {
    const auto& lm = chip.layers[i];
    const auto& lt = t.layers[i];
    Value l = Value::object();
    l.set("name", lm.name);
    l.set("type", sim.network.layers[static_cast<std::size_t>(lm.layer)].type_name());
    l.set("inputs", quantity(lm.in, "elements"));
    l.set("outputs", quantity(lm.out, "elements"));
    l.set("macs", quantity(static_cast<double>(sim.network.layers[static_cast<std::size_t>(lm.layer)].macs_per_sample() +
                                               mapping::written_macs(lm)),
                           "MAC"));
    l.set("weight_bits", quantity(lm.weight_bits, "bit"));
    l.set("activation_bits", quantity(lm.activation_bits, "bit"));
    if (lm.kind == mapping::LayerMap::Kind::Matrix) l.set("adc_bits", quantity(lm.resolution(sim.adc->bits()), "bit"));
    if (!lm.group_bits.empty()) {  // adc.significance_bits: each slice group's bits, least significant first
      Value groups = Value::array();
      for (std::size_t g = 0; g < lm.group_bits.size(); ++g)
        groups.push(static_cast<long long>(lm.group_resolution(static_cast<int>(g), sim.adc->bits())));
      l.set("adc_group_bits", std::move(groups));
    }
    l.set("arrays", quantity(static_cast<double>(lm.placed_arrays()), "arrays"));
    if (lm.kind == mapping::LayerMap::Kind::Matrix) l.set("copies", quantity(lm.copies, "copies"));
    l.set("area", quantity(sim.cost.layer_area_mm2[i], "mm^2"));
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
    l["actions_per_inference"].set("digital_compares",
                                   quantity(static_cast<double>(lt.counts.digital_compares) / t.inferences, "operations"));
    l["actions_per_inference"].set("control_ops",
                                   quantity(static_cast<double>(lt.control_ops) / t.inferences, "operations"));
    l.set("kind", lm.kind == mapping::LayerMap::Kind::Matrix ? "matrix" : "digital");
    l.set("tiles", quantity(lt.tiles, "tiles"));
    l.set("programming_round", quantity(lt.round, "round"));
    const double span = static_cast<double>(lt.end_cycle - lt.start_cycle);
    l.set("array_utilization", quantity(utilization(static_cast<double>(lt.array_busy_cycles),
                                                    static_cast<double>(lm.placed_arrays()), span),
                                        "fraction of its arrays' cycles while it ran"));
    layers.push(std::move(l));
  }
  return layers;
}

}  // namespace cimsim::report
