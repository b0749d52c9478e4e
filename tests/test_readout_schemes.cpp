// Readout, input and weight schemes of real macros (the `readout` section, binary weights, ADC
// timing in ns, variable-precision ADCs, read pulses) against the formulas of docs/timing.md and
// docs/semantics.md, and exact W·x where docs/design.md §4's invariant applies.

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "crossbar_fixture.hpp"
#include "engine_support.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/engine/plan.hpp"
#include "sim/run/simulation.hpp"

using namespace cimsim;
using test::OneArray;
using test::period_of;

TEST_CASE("readout: integrate-then-convert takes read plus conversion per read, sample-and-hold the longer",
          "[readout][timing]") {
  OneArray held({}), integrated({"readout.pipelining=integrate"});
  const std::int64_t tr = held.t_read(), tc = held.t_conv(), sh = held.c.integer("sample_hold", "latency_cycles");
  const std::int64_t R = 4, F = held.fetch();
  REQUIRE(tc > tr);  // the case where overlapping matters
  // Sample-and-hold (docs/timing.md, "Steady state"): max(F + T_r, T_c) + T_sh + (R − 1)·(P + T_sh).
  CHECK(period_of(held, 4) == std::max(F + tr, tc) + sh + (R - 1) * (std::max(tr, tc) + sh));
  // Integrate-then-convert: every read waits for the conversion before it: R·(T_r + T_c) once the
  // fetch hides behind the last conversion.
  REQUIRE(F <= tc);
  CHECK(period_of(integrated, 4) == R * (tr + tc));
  // Nothing is sampled and held; the conversions are the same.
  const auto h = held.c.run(held.chip), i = integrated.c.run(integrated.chip);
  CHECK(i.layers[0].counts.sample_holds == 0);
  CHECK(h.layers[0].counts.sample_holds == h.layers[0].counts.conversions);
  CHECK(i.layers[0].counts.conversions == h.layers[0].counts.conversions);
}

TEST_CASE("readout: accumulated input bits make one round of G reads and one conversion per vector",
          "[readout][timing]") {
  OneArray held({"readout.input_bits=accumulate"}),
      integrated({"readout.input_bits=accumulate", "readout.pipelining=integrate"});
  const std::int64_t tr = held.t_read(), tc = held.t_conv(), sh = held.c.integer("sample_hold", "latency_cycles");
  const std::int64_t G = 4, F = held.fetch();  // the 4 input slices of one vector in one round
  // Sampled and held (docs/timing.md): one round per vector, max(F + G·T_r, T_c) + T_sh.
  CHECK(period_of(held, 4) == std::max(F + G * tr, tc) + sh);
  // Integrate-then-convert: Q·(G·T_r + T_c) with Q = 1, once the fetch hides behind the conversion.
  REQUIRE(F <= tc);
  CHECK(period_of(integrated, 4) == G * tr + tc);
  // A quarter of the per-slice conversions; as many reads.
  OneArray per_slice({});
  const auto a = held.c.run(held.chip), p = per_slice.c.run(per_slice.chip);
  CHECK(a.layers[0].counts.conversions * G == p.layers[0].counts.conversions);
  CHECK(a.layers[0].counts.array_reads == p.layers[0].counts.array_reads);
}

TEST_CASE("readout: ADC conversion time in ns, independent of the clock", "[readout][adc][timing]") {
  // 64 readouts on one 8-bit SAR at 1.28 GS/s (ISAAC's): 64 × 0.78125 ns = 50 ns, rounded up once.
  auto round_cycles = [](const std::string& clock) {
    test::EngineCase c(test::kSmallChip, {"array.cols=128", "adc.columns_per_adc=128", "adc.bits=8",
                                          "adc.conversion_time_ns=0.78125", "chip.clock_mhz=" + clock});
    const auto chip = c.map(test::network(1, 1, 32, {engine::dense_shape("fc", 64)}));
    return engine::make_plan(chip, c.params).arrays[0].conversion_cycles;
  };
  CHECK(round_cycles("1000") == 50);  // a 1 GHz chip keeps the 1.28 GS/s converter
  CHECK(round_cycles("800") == 40);
  CHECK(round_cycles("1280") == 64);
  // Without a time of its own, a SAR takes one clock cycle per bit: 64 × 8.
  test::EngineCase clocked(test::kSmallChip, {"array.cols=128", "adc.columns_per_adc=128", "adc.bits=8"});
  const auto chip = clocked.map(test::network(1, 1, 32, {engine::dense_shape("fc", 64)}));
  CHECK(engine::make_plan(chip, clocked.params).arrays[0].conversion_cycles == 64 * 8);
  // Fewer bits take the type's share of the time: a SAR per bit, a ramp per level, a flash all.
  const auto sar = models::AdcRegistry::instance().create(
      test::config_with("adc: {model: sar, bits: 8, conversion_time_ns: 8}").section("adc"));
  CHECK(sar->conversion_time_ns(1000, 4) == Approx(4));
  const auto ramp = models::AdcRegistry::instance().create(
      test::config_with("adc: {model: ramp, bits: 8, conversion_time_ns: 256}").section("adc"));
  CHECK(ramp->conversion_time_ns(1000, 4) == Approx(16));
  const auto flash = models::AdcRegistry::instance().create(
      test::config_with("adc: {model: flash, bits: 8, conversion_time_ns: 2}").section("adc"));
  CHECK(flash->conversion_time_ns(1000, 4) == Approx(2));
}

TEST_CASE("readout: a variable-precision ADC's time and energy follow each layer's bits", "[readout][adc]") {
  const auto base = run::simulate(test::config_with("workload: {samples: 8}\n"));
  const auto fewer = run::simulate(test::config_with("workload: {samples: 8}\nadc: {layers: {fc1: {bits: 4}}}\n"));
  const auto& e8 = base->cost.layer_energy[0];
  const auto& e4 = fewer->cost.layer_energy[0];
  const double conv = static_cast<double>(base->timing.layers[0].counts.conversions);
  // The 32 nm SAR table: 1.67 pJ at 8 bits, 0.79 pJ at 4 (Saberi et al. 2011).
  CHECK(cost::component(e8, "adc") / conv == Approx(1.67));
  CHECK(cost::component(e4, "adc") / conv == Approx(0.79));
  CHECK(cost::component(fewer->cost.layer_energy[1], "adc") == Approx(cost::component(base->cost.layer_energy[1], "adc")));
  // SAR: one cycle per bit, so fc1's conversions take half as long.
  const auto plan8 = engine::make_plan(base->chip, engine::timing_params(base->config, *base->adc));
  const auto plan4 = engine::make_plan(fewer->chip, engine::timing_params(fewer->config, *fewer->adc));
  CHECK(plan4.arrays[0].conversion_cycles * 2 == plan8.arrays[0].conversion_cycles);
  // A layer the network lacks, or more bits than the converters have, is refused.
  CHECK_THROWS_WITH(run::simulate(test::config_with("adc: {layers: {fc9: {bits: 4}}}\n")),
                    Catch::Contains("adc.layers.fc9") && Catch::Contains("names no matrix layer"));
  CHECK_THROWS_WITH(models::AdcRegistry::instance().create(
                        test::config_with("adc: {bits: 6, layers: {fc1: {bits: 8}}}\n").section("adc")),
                    Catch::Contains("adc.layers.fc1.bits") && Catch::Contains("exceeds adc.bits"));
}

TEST_CASE("readout: a read pulse shorter than the read costs its share, the read takes as long", "[readout]") {
  const auto whole = run::simulate(test::config_with("workload: {samples: 8}\narray: {read_time_ns: 100}\n"));
  const auto pulse = run::simulate(test::config_with("workload: {samples: 8}\narray: {read_time_ns: 100, read_pulse_ns: 25}\n"));
  CHECK(cost::component(pulse->cost.energy, "cells") == Approx(0.25 * cost::component(whole->cost.energy, "cells")));
  CHECK(cost::component(pulse->cost.energy, "dac") == Approx(0.25 * cost::component(whole->cost.energy, "dac")));
  CHECK(pulse->timing.cycles == whole->timing.cycles);
  CHECK_THROWS_WITH(mapping::Architecture::from(test::config_with("array: {read_time_ns: 10, read_pulse_ns: 20}\n")),
                    Catch::Contains("array.read_pulse_ns") && Catch::Contains("longer than the read"));
}
