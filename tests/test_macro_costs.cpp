// Costs that follow the node and the macro (docs/energy-area.md, "ADCs", "Macro periphery",
// "Macro level and chip level"): ADC tables scaled to the node and refused outside their bits,
// converters built from their parts scaling as their type does, the macro periphery's gates
// against hand-worked areas, a cost set to 0 left out, and macro- and chip-level figures side by
// side in the report.

#include <catch2/catch.hpp>

#include <cmath>

#include "models/periphery/adc.hpp"
#include "models/periphery/adc_circuits.hpp"
#include "models/periphery/macro_periphery.hpp"
#include "models/tech/gates.hpp"
#include "models/tech/tech.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

models::Tech tech_at(const std::string& preset) {
  return models::Tech::from(test::config_with("tech: {preset: " + preset + "}\n").section("tech"));
}

std::unique_ptr<models::AdcModel> adc_of(const std::string& yaml) {
  return models::AdcRegistry::instance().create(test::config_with(yaml).section("adc"));
}

}  // namespace

TEST_CASE("macro costs: an ADC table scales to the node as switched capacitance and layout", "[cost][adc]") {
  // The 32 nm, 0.9 V SAR series at 14 nm, 0.8 V: E·(14/32)·(0.8/0.9)², A·(14/32)².
  const auto adc = adc_of("adc: {model: sar, bits: 8}");
  const models::AdcCost at14 = adc->cost(8, tech_at("14nm"));
  CHECK(at14.energy_pj == Approx(1.67 * (14.0 / 32) * (0.8 / 0.9) * (0.8 / 0.9)));
  CHECK(at14.area_um2 == Approx(1200 * (14.0 / 32) * (14.0 / 32)));
  CHECK(adc->cost(8, tech_at("32nm")).energy_pj == Approx(1.67));
  // Outside the table: extrapolated with a warning, or refused, naming the bits.
  const auto refusing = adc_of("adc: {model: sar, bits: 8, table_extrapolation: refuse}");
  CHECK_THROWS_WITH(refusing->cost(12, tech_at("32nm")),
                    Catch::Contains("adc.table_bits") && Catch::Contains("12 bits lies outside the table's 4..10 bits"));
  const auto& extrapolating = adc;
  // The last segment, 9 → 10 bits, continued: 2.38 · (2.38 / 1.97)².
  CHECK(extrapolating->cost(12, tech_at("32nm")).energy_pj == Approx(2.38 * std::pow(2.38 / 1.97, 2)));
  // A table given to a model that does not read it is a mistake.
  CHECK_THROWS_WITH(adc_of("adc: {model: flash, table_energy_pj: [1, 2, 3, 4, 5, 6, 7]}"),
                    Catch::Contains("adc.table_energy_pj") && Catch::Contains("energy model in use is circuit"));
}

TEST_CASE("macro costs: converters built from their parts scale as their type does", "[cost][adc]") {
  // Ginsburg and Chandrakasan's conventional switching: 1363.3 C_u·V² at 10 bits (Saberi et al. 2011).
  CHECK(models::sar_switching_factor(10) == Approx(1363.3).epsilon(1e-4));
  const models::Tech t = tech_at("32nm");
  const models::Gates g(t);
  // Ramp: a comparator decision per step and 2^(b+1) − 2 counter toggles; area one comparator and b
  // flip-flops.
  for (int b : {4, 8}) {
    const models::AdcCost ramp = models::ramp_circuit(b, t);
    const double steps = std::ldexp(1.0, b);
    CHECK(ramp.energy_pj ==
          Approx(g.energy_fj(steps * g.comparator().switched_ff + (2 * steps - 2) * g.flip_flop().switched_ff) * 1e-3));
    CHECK(ramp.area_um2 == Approx(g.comparator().area_um2 + b * g.flip_flop().area_um2));
  }
  // Flash grows as 2^b in both; ramp's area only as b; SAR's energy about as 2^b (its DAC).
  const auto flash4 = models::flash_circuit(4, t), flash8 = models::flash_circuit(8, t);
  // (255 comparators against 15, less the flip-flops that grow only as b.)
  CHECK(flash8.area_um2 / flash4.area_um2 > 10);
  CHECK(flash8.energy_pj / flash4.energy_pj > 10);
  CHECK(models::ramp_circuit(8, t).area_um2 / models::ramp_circuit(4, t).area_um2 < 2);
  // The three types no longer cost the same: auto picks the table for SAR, circuits for the others.
  const auto sar = adc_of("adc: {model: sar}"), flash = adc_of("adc: {model: flash}"), ramp = adc_of("adc: {model: ramp}");
  CHECK(sar->energy_model() == "table");
  CHECK(flash->energy_model() == "circuit");
  CHECK(flash->cost(8, t).energy_pj != Approx(sar->cost(8, t).energy_pj));
  CHECK(ramp->cost(8, t).area_um2 < flash->cost(8, t).area_um2);
}

TEST_CASE("macro costs: gates and the row decoder against hand-worked layouts", "[cost][macro]") {
  const models::Tech t = tech_at("32nm");
  const models::Gates g(t);
  const double f2 = 0.032 * 0.032;
  // A minimum inverter: one column, 28 F × 3.8 F × 2 pitches; gate + drain of 2 F + 4 F.
  CHECK(g.inverter().area_um2 == Approx(28 * 3.8 * 2 * f2));
  CHECK(g.inverter().switched_ff == Approx(2 * 6 * 0.032 * 0.848));
  // A transistor wider than (28 − 3.5 − 3.6) / 2 = 10.45 F folds: 21 F takes 3 columns.
  CHECK(g.columns_of(10.4) == 1);
  CHECK(g.columns_of(21) == 3);
  // 128 rows: 7 address bits, predecoders of 4 and 3 bits (16 NAND4 of 4 columns, 8 NAND3 of 3)
  // and 128 NOR2 of 2 columns, each gate one pitch more: 28·3.8·F²·(16·5 + 8·4 + 128·3).
  models::MacroGeometry geo;
  geo.rows = 128;
  geo.cols = 128;
  const auto macro = [&](const std::string& yaml) {
    return models::macro_periphery(test::config_with(yaml).section("macro"), geo, t);
  };
  const models::MacroPeriphery m = macro("");
  CHECK(m.row_decoder_um2 == Approx(28 * 3.8 * f2 * (16 * 5 + 8 * 4 + 128 * 3)));
  CHECK(m.wordline_drivers_um2 == 0);  // a passive crossbar: the DACs drive the rows
  CHECK(m.column_mux_um2 == 0);        // one column per ADC
  // Access transistors put a word line on every row; 8 columns per ADC a multiplexer.
  geo.columns_per_adc = 8;
  const models::MacroPeriphery with = macro("macro: {access_transistor_width_f: 4}\n");
  CHECK(with.wordline_drivers_um2 > 0);
  CHECK(with.wordline_pj > 0);
  CHECK(with.column_mux_um2 > 0);
  CHECK(with.mux_pj > 0);
  const models::MacroPeriphery none = macro("macro: {periphery: none}\n");
  CHECK(none.row_decoder_um2 + none.control_um2 + none.decode_pj == 0);
}

TEST_CASE("macro costs: a cost set to 0 is left out, auto derives it from the node", "[cost]") {
  const auto derived = run::simulate(test::config_with("workload: {samples: 4}\n"));
  const auto off = run::simulate(test::config_with(
      "workload: {samples: 4}\ndigital: {mult_energy_pj: 0}\ninterconnect: {energy_pj_per_bit: 0}\n"
      "tile_buffer: {model: table, read_pj_per_bit: [0], write_pj_per_bit: [0], area_mm2: [0]}\n"
      "global_buffer: {model: table, read_pj_per_bit: [0], write_pj_per_bit: [0], area_mm2: [0]}\n"));
  CHECK(cost::component(derived->cost.energy, "tile_buffers") > 0);
  CHECK(cost::component(off->cost.energy, "tile_buffers") == 0);
  CHECK(cost::component(off->cost.energy, "global_buffer") == 0);
  CHECK(cost::component(off->cost.energy, "interconnect") == 0);
  CHECK(cost::component(off->cost.area, "tile_buffers") == 0);
  CHECK(cost::component(off->cost.energy, "digital") < cost::component(derived->cost.energy, "digital"));
  // The macro's own costs do not move.
  CHECK(cost::macro_sum(off->cost.energy) == Approx(cost::macro_sum(derived->cost.energy)));
}

TEST_CASE("macro costs: macro-level and chip-level figures side by side in the report", "[cost][report]") {
  const auto s = run::simulate(test::config_with("workload: {samples: 4}\n"));
  const report::Metrics m = report::metrics_of(*s);
  double macro_pj = 0, chip_pj = 0;
  for (const auto& [name, pj] : s->cost.energy) {
    chip_pj += pj;
    if (cost::is_macro_component(name)) macro_pj += pj;
  }
  CHECK(m.macro_energy_pj == Approx(macro_pj));
  CHECK(m.energy_pj == Approx(chip_pj));
  CHECK(m.macro_energy_pj < m.energy_pj);
  CHECK(m.macro_area_mm2 < m.area_mm2);
  CHECK(m.macro_tops_per_w == Approx(m.tops_per_w * m.energy_pj / m.macro_energy_pj));
  CHECK(m.macro_tops_per_mm2 == Approx(m.tops / m.macro_area_mm2));
  const auto j = report::build_json(*s);
  const auto* perf = j.find("performance");
  REQUIRE(perf);
  CHECK(perf->find("macro_level")->find("tops_per_w")->find("value")->as_number() == Approx(m.macro_tops_per_w));
  CHECK(perf->find("chip_level")->find("tops_per_w")->find("value")->as_number() == Approx(m.tops_per_w));
  const std::string console = report::console_summary(*s, "");
  CHECK_THAT(console, Catch::Contains("chip level") && Catch::Contains("macro level"));
}
