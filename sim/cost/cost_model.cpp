#include "sim/cost/cost_model.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <stdexcept>

#include "models/cells/cell_model.hpp"
#include "models/memories/dram.hpp"
#include "models/periphery/adc.hpp"
#include "models/periphery/dac.hpp"
#include "models/periphery/macro_periphery.hpp"
#include "models/periphery/periphery_costs.hpp"
#include "models/tech/tech.hpp"
#include "sim/functional/drive_levels.hpp"

namespace cimsim::cost {

double sum(const Breakdown& b) {
  double s = 0;
  for (const auto& kv : b) s += kv.second;
  return s;
}

bool is_macro_component(const std::string& name) {
  for (const char* m : {"cells", "array_writes", "arrays", "dac", "sample_hold", "adc", "shift_add", "row_decoder", "wordline_drivers",
                        "column_mux", "macro_control"})
    if (name == m) return true;
  return false;
}

double macro_sum(const Breakdown& b) {
  double s = 0;
  for (const auto& [name, v] : b)
    if (is_macro_component(name)) s += v;
  return s;
}

double component(const Breakdown& b, const std::string& name) {
  for (const auto& [n, v] : b)
    if (n == name) return v;
  throw std::logic_error("no cost component named '" + name + "'");
}

namespace {

constexpr double kUm2 = 1e-6;  // mm² per µm²

// Static energy of the buffers while a layer runs for `span_ns` moving `t` (pJ, every instance): a
// volatile buffer leaks all along; a non-volatile one is power-gated when idle and each bank leaks
// only for the accesses it serves.
struct BufferLeakage {
  double input_pj = 0, output_pj = 0, global_pj = 0;
  double total() const { return input_pj + output_pj + global_pj; }
};

double buffer_static_pj(const models::BufferFigures& b, double instances, double span_ns, double read_bits,
                  double write_bits, int width_bits) {
  const double w = b.figures.leakage_mw * 1e-3;  // one instance, W
  if (!b.figures.nonvolatile) return instances * w * span_ns * 1e3;  // W·ns = nJ
  const double busy_ns = (read_bits * b.figures.read_ns + write_bits * b.figures.write_ns) / width_bits;
  return w / b.banks * busy_ns * 1e3;
}

BufferLeakage buffer_leakage(const models::ChipBuffers& b, const mapping::Architecture& arch, const engine::Traffic& t,
                             double span_ns, double tiles) {
  BufferLeakage l;
  l.input_pj = buffer_static_pj(b.input, tiles, span_ns, static_cast<double>(t.input_buffer_read_bits),
                          static_cast<double>(t.input_buffer_write_bits), arch.buffer_width_bits);
  l.output_pj = buffer_static_pj(b.output, tiles, span_ns, 0, static_cast<double>(t.output_buffer_write_bits),
                           arch.buffer_width_bits);
  l.global_pj = buffer_static_pj(b.global, 1, span_ns, static_cast<double>(t.global_buffer_read_bits),
                           static_cast<double>(t.global_buffer_write_bits), arch.global_buffer_width_bits);
  return l;
}

// A pinned value when the section gives one (0 included), the tech node's when it says auto.
double pinned_or(const models::Pinned& pinned, double derived) { return pinned ? *pinned : derived; }

// `measured`: the functional engine's energies of the data-dependent parts (cells, drivers);
// nullptr when it did not run (shape-only estimates): drivers then cost their top level's energy.
// `adc_pj`: one conversion at the layer's resolution.
Breakdown layer_breakdown(const EnergyPerAction& e, const engine::LayerTiming& lt, const functional::ActionCounts* measured,
                          double adc_pj, double leakage_pj, double io_pj, double per_inference) {
  const functional::ActionCounts& c = lt.counts;
  const double reads = static_cast<double>(c.array_reads), conversions = static_cast<double>(c.conversions);
  const engine::Traffic& t = lt.traffic;
  const double k = 1.0 / per_inference;
  const double tile_pj = static_cast<double>(t.input_buffer_read_bits) * e.input_read_pj_per_bit +
                         static_cast<double>(t.input_buffer_write_bits) * e.input_write_pj_per_bit +
                         static_cast<double>(t.output_buffer_write_bits) * e.output_write_pj_per_bit;
  const double global_pj = static_cast<double>(t.global_buffer_read_bits) * e.global_read_pj_per_bit +
                           static_cast<double>(t.global_buffer_write_bits) * e.global_write_pj_per_bit;
  const double dram_bits = static_cast<double>(t.dram_read_bits + t.dram_write_bits);
  return {
      {"cells", measured ? measured->cell_energy_pj : 0.0},
      // Arrays rewritten per input (mapping.activation_products: arrays): the cells' write energy.
      {"array_writes", measured ? measured->write_energy_pj : 0.0},
      {"dac", measured ? measured->dac_energy_pj : k * c.dac_drives * e.dac_pj},
      {"sample_hold", k * c.sample_holds * e.sample_hold_pj},
      {"adc", k * c.conversions * adc_pj},
      {"shift_add", k * c.shift_adds * e.shift_add_pj},
      {"row_decoder", k * reads * e.decode_pj},
      {"wordline_drivers", k * c.dac_drives * e.wordline_pj},
      {"column_mux", k * conversions * e.mux_pj},
      {"macro_control", k * (reads * e.macro_control_read_pj + conversions * e.macro_control_conversion_pj)},
      {"digital", k * (c.digital_adds * e.add_pj + c.digital_mults * e.mult_pj + c.digital_compares * e.compare_pj)},
      {"tile_buffers", k * tile_pj},
      {"global_buffer", k * global_pj},
      {"interconnect", k * static_cast<double>(t.interconnect_bit_hops) * e.bus_pj_per_bit},
      {"dram", k * dram_bits * e.dram_pj_per_bit},
      {"control", k * static_cast<double>(lt.control_ops) * e.control_pj},
      {"leakage", leakage_pj},
      {"io", io_pj},
  };
}

}  // namespace

CostResult compute_costs(const CostInputs& in) {
  const mapping::Architecture& arch = in.chip.arch;
  const auto sh = models::SampleHoldCost::from(in.config.section("sample_hold"));
  const auto sa = models::ShiftAddCost::from(in.config.section("shift_add"));
  const auto ic = models::InterconnectCost::from(in.config.section("interconnect"));
  const auto dig = models::DigitalCost::from(in.config.section("digital"));
  const auto tech = models::Tech::from(in.config.section("tech"));
  const models::Dram dram = models::Dram::from(in.config.section("dram"));
  const auto io = models::ChipIoCost::from(in.config.section("io"));
  CostResult r;
  r.buffers = models::ChipBuffers::of(in.config, {arch.input_buffer_kib, arch.output_buffer_kib, arch.global_buffer_kib});
  const models::ChipBuffers& buf = r.buffers;
  if (std::fabs(tech.node_nm - arch.feature_size_nm) > 1e-9)
    spdlog::warn("cell areas use chip.feature_size_nm = {} nm, the periphery the {} nm tech node", arch.feature_size_nm,
                 tech.node_nm);

  const double tiles = arch.tiles;

  // --- area ---
  const double arrays = static_cast<double>(arch.arrays_total());
  const double cells = static_cast<double>(arch.cells_per_array());
  const double f_mm = arch.feature_size_nm * 1e-6;
  const double cell_mm2 = in.cell.area_f2() * f_mm * f_mm;
  const double adcs_per_array = static_cast<double>((arch.cols + in.adc.common().columns_per_adc - 1) /
                                                    in.adc.common().columns_per_adc);
  // The converters are built for adc.bits; a layer resolving fewer spends that resolution's energy.
  const models::AdcCost adc_built = in.adc.cost(in.adc.bits(), tech);
  models::MacroGeometry geo;
  geo.rows = arch.rows;
  geo.cols = arch.cols;
  geo.columns_per_adc = in.adc.common().columns_per_adc;
  geo.cell_area_f2 = in.cell.area_f2();
  for (const auto& lm : in.chip.layers) geo.max_input_slices = std::max(geo.max_input_slices, static_cast<int>(lm.input_slices.size()));
  const models::MacroPeriphery macro = models::macro_periphery(in.config.section("macro"), geo, tech);
  const double macro_um2 = macro.row_decoder_um2 + macro.wordline_drivers_um2 + macro.column_mux_um2 + macro.control_um2;
  const double tile_buffers = buf.input.figures.area_mm2 + buf.output.figures.area_mm2;
  const double digital_unit = arch.digital_lanes * (tech.adder_um2() + tech.multiplier_um2()) * kUm2;
  // Address generators: one adder per buffer port.
  const double control_unit = (arch.buffer_read_ports + arch.buffer_write_ports) * tech.adder_um2() * kUm2;
  const double per_tile = arch.arrays_per_tile * (cells * cell_mm2 + arch.rows * in.dac.area_um2() * kUm2 +
                                                  arch.cols * sh.area_um2 * kUm2 +
                                                  adcs_per_array * (adc_built.area_um2 + sa.area_um2) * kUm2 +
                                                  macro_um2 * kUm2) +
                          tile_buffers + digital_unit + control_unit;
  r.tile_mm2 = per_tile;
  r.tiles = tiles;
  const double pitch_mm = std::sqrt(per_tile);
  const bool mesh = arch.interconnect == mapping::Interconnect::Mesh;
  // A mesh link spans one tile pitch; the bus runs along the side of the tile array.
  r.link_mm = mesh ? pitch_mm : std::sqrt(tiles) * pitch_mm;
  const double interconnect_mm2 = ic.area_mm2_per_tile ? tiles * *ic.area_mm2_per_tile
                                 : mesh                 ? tiles * tech.router_mm2_per_tile()
                                                        : arch.bus_width_bits * tech.global_wire_pitch_mm() * r.link_mm;
  r.area = {
      {"arrays", arrays * cells * cell_mm2},
      {"dac", arrays * arch.rows * in.dac.area_um2() * kUm2},
      {"sample_hold", arrays * arch.cols * sh.area_um2 * kUm2},
      {"adc", arrays * adcs_per_array * adc_built.area_um2 * kUm2},
      {"shift_add", arrays * adcs_per_array * sa.area_um2 * kUm2},
      {"row_decoder", arrays * macro.row_decoder_um2 * kUm2},
      {"wordline_drivers", arrays * macro.wordline_drivers_um2 * kUm2},
      {"column_mux", arrays * macro.column_mux_um2 * kUm2},
      {"macro_control", arrays * macro.control_um2 * kUm2},
      {"tile_buffers", tiles * tile_buffers},
      {"global_buffer", buf.global.figures.area_mm2},
      {"interconnect", interconnect_mm2},
      {"digital", tiles * digital_unit},
      {"control", tiles * control_unit + tech.adder_um2() * kUm2},
      {"io", io.area_mm2},
  };
  r.used_tiles_mm2 = in.chip.tiles_used * per_tile;
  const double per_array = per_tile / arch.arrays_per_tile;  // an array, its periphery, its share of the tile
  r.layer_area_mm2.reserve(in.chip.layers.size());
  for (const auto& lm : in.chip.layers) r.layer_area_mm2.push_back(static_cast<double>(lm.placed_arrays()) * per_array);
  r.area_per_unit = {
      {"cell_um2", cell_mm2 / kUm2},
      {"adc_um2", adc_built.area_um2},
      {"dac_um2", in.dac.area_um2()},
      {"tile_mm2", per_tile},
  };

  // --- energy per action ---
  const double hop_pj = pinned_or(ic.energy_pj_per_bit, (mesh ? tech.router_pj_per_bit() : 0.0) +
                                                            tech.wire_pj_per_bit_mm() * r.link_mm);
  EnergyPerAction& e = r.per_action;
  // The drive lasts the read as the functional engine times it, so that this figure and the
  // measured driver energy agree.
  e.dac_pj = in.dac.energy_per_drive_pj(functional::array_pulse_ns(arch, in.dac, in.cell));
  e.sample_hold_pj = sh.energy_fj * 1e-3;
  e.adc_pj = adc_built.energy_pj;
  e.shift_add_pj = sa.energy_pj;
  // A row group is selected only when reads activate part of the rows.
  e.decode_pj = arch.rows_per_read > 0 ? macro.decode_pj : 0.0;
  e.wordline_pj = macro.wordline_pj;
  e.mux_pj = macro.mux_pj;
  e.macro_control_read_pj = macro.control_read_pj;
  e.macro_control_conversion_pj = macro.control_conversion_pj;
  e.add_pj = pinned_or(dig.add_energy_pj, tech.add_pj());
  e.mult_pj = pinned_or(dig.mult_energy_pj, tech.mult_pj());
  e.compare_pj = e.add_pj;
  e.control_pj = e.add_pj;  // one address: a 32-bit add
  e.input_read_pj_per_bit = buf.input.figures.read_pj_per_bit();
  e.input_write_pj_per_bit = buf.input.figures.write_pj_per_bit();
  e.output_write_pj_per_bit = buf.output.figures.write_pj_per_bit();
  e.global_read_pj_per_bit = buf.global.figures.read_pj_per_bit();
  e.global_write_pj_per_bit = buf.global.figures.write_pj_per_bit();
  e.dram_pj_per_bit = dram.pj_per_bit;
  e.bus_pj_per_bit = hop_pj;
  e.leakage_w = (tiles * (buf.input.figures.leakage_mw + buf.output.figures.leakage_mw) + buf.global.figures.leakage_mw) * 1e-3;
  e.io_w = io.power_mw * 1e-3;
  // The links draw their power for the whole run (W · ns = 10³ pJ), shared out like leakage.
  const auto io_pj = [&](double ns) { return e.io_w * ns * 1e3; };

  // --- energy ---
  const double per = std::max(1, in.timing.inferences);
  double spans = 0;
  for (const auto& lt : in.timing.layers) spans += static_cast<double>(lt.end_cycle - lt.start_cycle);
  for (std::size_t l = 0; l < in.timing.layers.size(); ++l) {
    const auto& lt = in.timing.layers[l];
    const functional::ActionCounts* measured = l < in.activity.layers.size() ? &in.activity.layers[l] : nullptr;
    // Static energy of volatile buffers goes to the layers by the time each was running.
    const double share = spans > 0 ? static_cast<double>(lt.end_cycle - lt.start_cycle) / spans : 0.0;
    const mapping::LayerMap& lm = in.chip.layers[l];
    // Every slice group converts as often; under adc.significance_bits each at its own bits.
    const auto adc_pj_at = [&](int bits) { return bits == in.adc.bits() ? e.adc_pj : in.adc.cost(bits, tech).energy_pj; };
    double adc_pj = adc_pj_at(lm.resolution(in.adc.bits()));
    if (!lm.group_bits.empty()) {
      adc_pj = 0;
      for (std::size_t g = 0; g < lm.group_bits.size(); ++g)
        adc_pj += adc_pj_at(lm.group_resolution(static_cast<int>(g), in.adc.bits())) / static_cast<double>(lm.group_bits.size());
    }
    const BufferLeakage leak = buffer_leakage(buf, arch, lt.traffic, in.timing.latency_ns() * share, tiles);
    r.input_leakage_pj += leak.input_pj / per;
    r.output_leakage_pj += leak.output_pj / per;
    r.global_leakage_pj += leak.global_pj / per;
    r.layer_energy.push_back(
        layer_breakdown(e, lt, measured, adc_pj, leak.total() / per, io_pj(in.timing.latency_ns() * share) / per, per));
  }
  if (r.layer_energy.empty()) {
    const BufferLeakage leak = buffer_leakage(buf, arch, {}, in.timing.latency_ns(), tiles);
    r.energy = layer_breakdown(e, {}, nullptr, e.adc_pj, leak.total() / per, io_pj(in.timing.latency_ns()) / per, per);
  } else {
    r.energy = r.layer_energy.front();
  }
  if (!r.layer_energy.empty()) {
    for (auto& kv : r.energy) kv.second = 0;
    for (const auto& lb : r.layer_energy)
      for (std::size_t i = 0; i < lb.size(); ++i) r.energy[i].second += lb[i].second;
  }
  return r;
}

}  // namespace cimsim::cost
