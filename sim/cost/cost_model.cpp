#include "sim/cost/cost_model.hpp"

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "models/periphery/dac.hpp"
#include "models/periphery/periphery_costs.hpp"

namespace cimsim::cost {

double sum(const Breakdown& b) {
  double s = 0;
  for (const auto& kv : b) s += kv.second;
  return s;
}

namespace {

Breakdown layer_breakdown(const EnergyPerAction& e, const functional::ActionCounts& c, const engine::Traffic& t,
                          double cell_pj, double dac_pj, double per_inference) {
  const double k = 1.0 / per_inference;
  const double tile_bits = static_cast<double>(t.input_buffer_write_bits + t.input_buffer_read_bits +
                                               t.output_buffer_write_bits);
  const double global_bits = static_cast<double>(t.global_buffer_read_bits + t.global_buffer_write_bits);
  return {
      {"cells", cell_pj},
      {"dac", dac_pj},
      {"sample_hold", k * c.sample_holds * e.sample_hold_pj},
      {"adc", k * c.conversions * e.adc_pj},
      {"shift_add", k * c.shift_adds * e.shift_add_pj},
      {"digital", k * (c.digital_adds * e.add_pj + c.digital_mults * e.mult_pj)},
      {"tile_buffers", k * tile_bits * e.sram_pj_per_bit},
      {"global_buffer", k * global_bits * e.sram_pj_per_bit},
      {"interconnect", k * static_cast<double>(t.bus_bits) * e.bus_pj_per_bit},
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

  CostResult r;
  r.per_action = {in.dac.energy_per_drive_pj(arch.read_time_ns),
                  sh.energy_fj * 1e-3,
                  in.adc.common().energy_pj,
                  sa.energy_pj,
                  dig.add_energy_pj,
                  dig.mult_energy_pj,
                  sram.energy_pj_per_bit,
                  ic.energy_pj_per_bit};

  const double per = std::max(1, in.timing.inferences);
  for (std::size_t l = 0; l < in.timing.layers.size(); ++l) {
    // Cells and drivers spend energy by the data they see: the functional engine measures it.
    const bool measured = l < in.activity.layers.size();
    const double cell_pj = measured ? in.activity.layers[l].cell_energy_pj : 0.0;
    const double dac_pj = measured ? in.activity.layers[l].dac_energy_pj : 0.0;
    r.layer_energy.push_back(
        layer_breakdown(r.per_action, in.timing.layers[l].counts, in.timing.layers[l].traffic, cell_pj, dac_pj, per));
  }
  r.energy = r.layer_energy.empty() ? Breakdown{} : r.layer_energy.front();
  for (auto& kv : r.energy) kv.second = 0;
  for (const auto& lb : r.layer_energy)
    for (std::size_t i = 0; i < lb.size(); ++i) r.energy[i].second += lb[i].second;

  // Area of the provisioned chip.
  const double arrays = static_cast<double>(arch.tiles) * arch.arrays_per_tile;
  const double f_mm = arch.feature_size_nm * 1e-6;
  const double cell_mm2 = in.cell.area_f2() * f_mm * f_mm;
  const double adcs_per_array = static_cast<double>((arch.cols + in.adc.common().columns_per_adc - 1) /
                                                    in.adc.common().columns_per_adc);
  const double um2 = 1e-6;  // mm² per µm²
  r.area = {
      {"arrays", arrays * arch.rows * arch.cols * cell_mm2},
      {"dac", arrays * arch.rows * in.dac.area_um2() * um2},
      {"sample_hold", arrays * arch.cols * sh.area_um2 * um2},
      {"adc", arrays * adcs_per_array * in.adc.common().area_um2 * um2},
      {"shift_add", arrays * adcs_per_array * sa.area_um2 * um2},
      {"tile_buffers", arch.tiles * (arch.input_buffer_kib + arch.output_buffer_kib) * sram.area_mm2_per_kib},
      {"global_buffer", arch.global_buffer_kib * sram.area_mm2_per_kib},
      {"interconnect", arch.tiles * ic.area_mm2_per_tile},
  };
  r.area_per_unit = {
      {"cell_um2", cell_mm2 / um2},
      {"adc_um2", in.adc.common().area_um2},
      {"dac_um2", in.dac.area_um2()},
  };
  return r;
}

}  // namespace cimsim::cost
