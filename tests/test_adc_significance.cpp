// Bit-significance-aware ADC precision (adc.significance_bits, docs/semantics.md): each input-slice
// group converts at its own bits, ranked from the most significant group; time and energy follow
// each group's bits (docs/timing.md, docs/energy-area.md).

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "crossbar_fixture.hpp"
#include "engine_support.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/engine/plan.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;
using test::OneArray;
using test::period_of;

TEST_CASE("adc significance: groups ranked from the most significant take the list's bits", "[adc][readout]") {
  OneArray a({"adc.significance_bits=[6, 5, 3]"});
  const auto& lm = a.chip.layers[0];
  REQUIRE(lm.slice_groups.size() == 4);  // slices from the least significant
  CHECK(lm.group_bits == std::vector<int>{3, 3, 5, 6});
  // A layer's own resolution caps the list.
  OneArray capped({"adc.significance_bits=[6, 5, 3]", "adc.layers={fc: {bits: 4}}"});
  for (int g = 0; g < 4; ++g) CHECK(capped.chip.layers[0].group_resolution(g, 6) == std::min(4, std::vector<int>{3, 3, 5, 6}[g]));
  // A signed input's sign slice (cut last) is its most significant; with accumulated input bits the
  // one group takes the first entry.
  mapping::LayerMap l;
  l.input_slices = mapping::input_slices(4, 1, true, false);  // bits 0, 1, 2, then the sign
  l.slice_groups = {{0}, {1}, {2}, {3}};
  CHECK(mapping::significance_group_bits(l, {6, 4, 2}) == std::vector<int>{2, 2, 4, 6});
  l.slice_groups = {{0, 1, 2, 3}};
  CHECK(mapping::significance_group_bits(l, {5, 2}) == std::vector<int>{5});
  CHECK(mapping::significance_group_bits(l, {}).empty());
  // Entries outside 1..adc.bits are refused, naming the key.
  CHECK_THROWS_WITH(models::AdcRegistry::instance().create(
                        test::config_with("adc: {bits: 6, significance_bits: [8, 4]}\n").section("adc")),
                    Catch::Contains("adc.significance_bits") && Catch::Contains("outside 1..6"));
}

TEST_CASE("adc significance: each round converts in its group's time", "[adc][readout][timing]") {
  // Groups, least significant first: 3, 3, 5 and 6 bits.
  const std::vector<std::int64_t> tc = {OneArray::t_conv(3), OneArray::t_conv(3), OneArray::t_conv(5),
                                        OneArray::t_conv(6)};
  OneArray held({"adc.significance_bits=[6, 5, 3]"}),
      integrated({"adc.significance_bits=[6, 5, 3]", "readout.pipelining=integrate"});
  const auto plan = engine::make_plan(held.chip, held.c.params);
  CHECK(plan.arrays[0].group_conversion_cycles == tc);
  const std::int64_t tr = held.t_read(), sh = held.c.integer("sample_hold", "latency_cycles");
  const std::int64_t F = held.fetch();  // 4-bit inputs in four 1-bit slices
  // Integrate-then-convert (docs/timing.md): Σ_r (T_r + T_c,r) once the fetch hides behind the
  // last conversion.
  REQUIRE(F <= tc.back());
  CHECK(period_of(integrated, 4) == 4 * tr + tc[0] + tc[1] + tc[2] + tc[3]);
  // Sample-and-hold: max(F + T_r, T_c,last) + T_sh + Σ_{r < R−1} (max(T_r, T_c,r) + T_sh).
  std::int64_t expect = std::max(F + tr, tc.back()) + sh;
  for (int r = 0; r < 3; ++r) expect += std::max(tr, tc[static_cast<std::size_t>(r)]) + sh;
  CHECK(period_of(held, 4) == expect);
  // The ADCs are busy for the sum of the rounds' times.
  const auto run = held.c.run(held.chip);
  CHECK(run.layers[0].adc_busy_cycles == (tc[0] + tc[1] + tc[2] + tc[3]) * 4);
}

TEST_CASE("adc significance: energy per conversion is the mean of the groups' bits' energies", "[adc][cost]") {
  // The digits MLP: 8-bit inputs on 1-bit DACs, eight groups; the 32 nm SAR table: 1.67 pJ at 8
  // bits, 0.79 pJ at 4 (Saberi et al. 2011). [8, 4]: the most significant group at 8, seven at 4.
  const auto base = run::simulate(test::config_with("workload: {samples: 8}\n"));
  const auto mixed = run::simulate(test::config_with("workload: {samples: 8}\nadc: {significance_bits: [8, 4]}\n"));
  for (std::size_t l = 0; l < 2; ++l) {
    const double conv = static_cast<double>(mixed->timing.layers[l].counts.conversions);
    REQUIRE(conv == static_cast<double>(base->timing.layers[l].counts.conversions));
    CHECK(cost::component(mixed->cost.layer_energy[l], "adc") / conv == Approx((1.67 + 7 * 0.79) / 8));
  }
  // A list of the built resolution changes nothing but the report's note of it.
  const auto same = run::simulate(test::config_with("workload: {samples: 8}\nadc: {significance_bits: [8]}\n"));
  CHECK(cost::sum(same->cost.energy) == Approx(cost::sum(base->cost.energy)));
  CHECK(same->timing.cycles == base->timing.cycles);
  CHECK(same->eval.instances[0].accuracy == base->eval.instances[0].accuracy);
}

TEST_CASE("adc significance: products stay exact at the lossless bits and coarsen from the least significant",
          "[adc][readout]") {
  // Ideal cells, full scale max, 4-bit inputs on 1-bit DACs (four groups): at the lossless
  // resolution every conversion is exact. Fewer bits on the low groups move the products, by less
  // than the same bits on every group, since the most significant group stays exact.
  std::mt19937 gen(5);
  const auto w = test::random_weights(gen, 16, 64, 4);
  const std::string yaml = "mapping: {bits_per_cell: 2, encoding: differential}\narray: {rows: 64, cols: 64}\n"
                           "dac: {bits: 1}\ncell: {model: ideal}\n";
  const test::CrossbarFixture lossless(w, 4, 4, false, yaml + "adc: {full_scale: max}\n");
  const int L = lossless.adc->bits();
  REQUIRE(L > 3);
  const Eigen::MatrixXi codes = test::random_codes(gen, lossless.layer(), 32);
  const Eigen::MatrixXd exact = lossless.exact(codes);
  CHECK((lossless.multiply(codes) - exact).cwiseAbs().maxCoeff() == 0);
  auto error = [&](const std::string& list) {
    const test::CrossbarFixture f(w, 4, 4, false, yaml + "adc: {full_scale: max, significance_bits: " + list + "}\n", L);
    return (f.multiply(codes) - exact).cwiseAbs().sum();
  };
  const double top_exact = error("[" + std::to_string(L) + ", 2]");
  const double all_coarse = error("[2]");
  CHECK(error("[" + std::to_string(L) + "]") == 0);
  CHECK(top_exact > 0);
  CHECK(top_exact < all_coarse);
}
