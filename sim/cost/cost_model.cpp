#include "sim/cost/cost_model.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <stdexcept>

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "models/periphery/dac.hpp"
#include "models/periphery/periphery_costs.hpp"
#include "models/tech/tech.hpp"
#include "sim/functional/drive_levels.hpp"

namespace cimsim::cost {

double sum(const Breakdown& b) {
  double s = 0;
  for (const auto& kv : b) s += kv.second;
  return s;
}

double component(const Breakdown& b, const std::string& name) {
  for (const auto& [n, v] : b)
    if (n == name) return v;
  throw std::logic_error("no cost component named '" + name + "'");
}

namespace {

constexpr double kUm2 = 1e-6;  // mm² per µm²

// A pinned value when the section gives one (non-zero), the tech node's otherwise.
double pinned_or(double pinned, double derived) { return pinned > 0 ? pinned : derived; }

// `measured`: the functional engine's energies of the data-dependent parts (cells, drivers);
// nullptr when it did not run (shape-only estimates): drivers then cost their top level's energy.
Breakdown layer_breakdown(const EnergyPerAction& e, const engine::LayerTiming& lt, const functional::ActionCounts* measured,
                          double leakage_pj, double per_inference) {
  const functional::ActionCounts& c = lt.counts;
  const engine::Traffic& t = lt.traffic;
  const double k = 1.0 / per_inference;
  const double tile_pj = static_cast<double>(t.input_buffer_write_bits + t.input_buffer_read_bits) * e.sram_pj_per_bit +
                         static_cast<double>(t.output_buffer_write_bits) * e.output_buffer_pj_per_bit;
  const double global_bits = static_cast<double>(t.global_buffer_read_bits + t.global_buffer_write_bits);
  return {
      {"cells", measured ? measured->cell_energy_pj : 0.0},
      {"dac", measured ? measured->dac_energy_pj : k * c.dac_drives * e.dac_pj},
      {"sample_hold", k * c.sample_holds * e.sample_hold_pj},
      {"adc", k * c.conversions * e.adc_pj},
      {"shift_add", k * c.shift_adds * e.shift_add_pj},
      {"digital", k * (c.digital_adds * e.add_pj + c.digital_mults * e.mult_pj + c.digital_compares * e.compare_pj)},
      {"tile_buffers", k * tile_pj},
      {"global_buffer", k * global_bits * e.global_buffer_pj_per_bit},
      {"interconnect", k * static_cast<double>(t.interconnect_bit_hops) * e.bus_pj_per_bit},
      {"control", k * static_cast<double>(lt.control_ops) * e.control_pj},
      {"leakage", leakage_pj},
  };
}

}  // namespace

CostResult compute_costs(const CostInputs& in) {
  const mapping::Architecture& arch = in.chip.arch;
  const auto sh = models::SampleHoldCost::from(in.config.section("sample_hold"));
  const auto sa = models::ShiftAddCost::from(in.config.section("shift_add"));
  const auto sram = models::SramCost::from(in.config.section("sram"));
  const auto ic = models::InterconnectCost::from(in.config.section("interconnect"));
  const auto dig = models::DigitalCost::from(in.config.section("digital"));
  const auto tech = models::Tech::from(in.config.section("tech"));
  if (std::fabs(tech.node_nm - arch.feature_size_nm) > 1e-9)
    spdlog::warn("cell areas use chip.feature_size_nm = {} nm, the periphery the {} nm tech node", arch.feature_size_nm,
                 tech.node_nm);

  CostResult r;
  const double tiles = arch.tiles;

  // --- area ---
  const double arrays = tiles * arch.arrays_per_tile;
  const double f_mm = arch.feature_size_nm * 1e-6;
  const double cell_mm2 = in.cell.area_f2() * f_mm * f_mm;
  const double adcs_per_array = static_cast<double>((arch.cols + in.adc.common().columns_per_adc - 1) /
                                                    in.adc.common().columns_per_adc);
  auto buffer_mm2 = [&](double kib) { return sram.area_mm2_per_kib > 0 ? kib * sram.area_mm2_per_kib : tech.sram_mm2(kib); };
  const double tile_buffers = buffer_mm2(arch.input_buffer_kib) + buffer_mm2(arch.output_buffer_kib);
  const double digital_unit = arch.digital_lanes * (tech.adder_um2() + tech.multiplier_um2()) * kUm2;
  // Address generators: one adder per buffer port.
  const double control_unit = (arch.buffer_read_ports + arch.buffer_write_ports) * tech.adder_um2() * kUm2;
  const double per_tile = arch.arrays_per_tile * (arch.rows * arch.cols * cell_mm2 + arch.rows * in.dac.area_um2() * kUm2 +
                                                  arch.cols * sh.area_um2 * kUm2 +
                                                  adcs_per_array * (in.adc.common().area_um2 + sa.area_um2) * kUm2) +
                          tile_buffers + digital_unit + control_unit;
  r.tile_mm2 = per_tile;
  const double pitch_mm = std::sqrt(per_tile);
  const bool mesh = arch.interconnect == mapping::Interconnect::Mesh;
  // A mesh link spans one tile pitch; the bus runs along the side of the tile array.
  r.link_mm = mesh ? pitch_mm : std::sqrt(tiles) * pitch_mm;
  const double interconnect_mm2 =
      ic.area_mm2_per_tile > 0 ? tiles * ic.area_mm2_per_tile
      : mesh                   ? tiles * tech.router_mm2_per_tile()
                               : arch.bus_width_bits * tech.global_wire_pitch_mm() * r.link_mm;
  r.area = {
      {"arrays", arrays * arch.rows * arch.cols * cell_mm2},
      {"dac", arrays * arch.rows * in.dac.area_um2() * kUm2},
      {"sample_hold", arrays * arch.cols * sh.area_um2 * kUm2},
      {"adc", arrays * adcs_per_array * in.adc.common().area_um2 * kUm2},
      {"shift_add", arrays * adcs_per_array * sa.area_um2 * kUm2},
      {"tile_buffers", tiles * tile_buffers},
      {"global_buffer", buffer_mm2(arch.global_buffer_kib)},
      {"interconnect", interconnect_mm2},
      {"digital", tiles * digital_unit},
      {"control", tiles * control_unit + tech.adder_um2() * kUm2},
  };
  r.used_tiles_mm2 = in.chip.tiles_used * per_tile;
  const double per_array = per_tile / arch.arrays_per_tile;  // an array, its periphery, its share of the tile
  r.layer_area_mm2.reserve(in.chip.layers.size());
  for (const auto& lm : in.chip.layers) r.layer_area_mm2.push_back(static_cast<double>(lm.arrays.size()) * per_array);
  r.area_per_unit = {
      {"cell_um2", cell_mm2 / kUm2},
      {"adc_um2", in.adc.common().area_um2},
      {"dac_um2", in.dac.area_um2()},
      {"tile_mm2", per_tile},
  };

  // --- energy per action ---
  auto buffer_pj = [&](double kib, int ports) { return pinned_or(sram.energy_pj_per_bit, tech.sram_pj_per_bit(kib, ports)); };
  const double hop_pj = pinned_or(ic.energy_pj_per_bit, (mesh ? tech.router_pj_per_bit() : 0.0) +
                                                            tech.wire_pj_per_bit_mm() * r.link_mm);
  EnergyPerAction& e = r.per_action;
  // The drive lasts the read as the functional engine times it, so that this figure and the
  // measured driver energy agree.
  e.dac_pj = in.dac.energy_per_drive_pj(functional::array_read_ns(in.dac, in.cell, arch.read_time_ns));
  e.sample_hold_pj = sh.energy_fj * 1e-3;
  e.adc_pj = in.adc.common().energy_pj;
  e.shift_add_pj = sa.energy_pj;
  e.add_pj = pinned_or(dig.add_energy_pj, tech.add_pj());
  e.mult_pj = pinned_or(dig.mult_energy_pj, tech.mult_pj());
  e.compare_pj = e.add_pj;
  e.control_pj = e.add_pj;  // one address: a 32-bit add
  e.sram_pj_per_bit = buffer_pj(arch.input_buffer_kib, arch.buffer_read_ports);
  e.output_buffer_pj_per_bit = buffer_pj(arch.output_buffer_kib, arch.buffer_write_ports);
  e.global_buffer_pj_per_bit = buffer_pj(arch.global_buffer_kib, 1);
  e.bus_pj_per_bit = hop_pj;
  e.leakage_w = tech.sram_leakage_w((tiles * (arch.input_buffer_kib + arch.output_buffer_kib) + arch.global_buffer_kib) *
                                    8192.0);

  // --- energy ---
  const double per = std::max(1, in.timing.inferences);
  const double leakage_pj = e.leakage_w * in.timing.latency_ns() * 1e3 / per;  // W·ns = nJ
  double spans = 0;
  for (const auto& lt : in.timing.layers) spans += static_cast<double>(lt.end_cycle - lt.start_cycle);
  for (std::size_t l = 0; l < in.timing.layers.size(); ++l) {
    const auto& lt = in.timing.layers[l];
    const functional::ActionCounts* measured = l < in.activity.layers.size() ? &in.activity.layers[l] : nullptr;
    // Static energy goes to the layers by the time each was running.
    const double share = spans > 0 ? static_cast<double>(lt.end_cycle - lt.start_cycle) / spans : 0.0;
    r.layer_energy.push_back(layer_breakdown(e, lt, measured, leakage_pj * share, per));
  }
  r.energy = r.layer_energy.empty() ? layer_breakdown(e, {}, nullptr, leakage_pj, per) : r.layer_energy.front();
  if (!r.layer_energy.empty()) {
    for (auto& kv : r.energy) kv.second = 0;
    for (const auto& lb : r.layer_energy)
      for (std::size_t i = 0; i < lb.size(); ++i) r.energy[i].second += lb[i].second;
  }
  return r;
}

}  // namespace cimsim::cost
