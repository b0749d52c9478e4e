// docs/design.md §4, the invariant: with ideal cells, `max` full scale and enough ADC bits, every encoding
// and slicing option gives exactly the integer W·x, on random shapes.

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "crossbar_fixture.hpp"

using namespace cimsim;

TEST_CASE("invariant: exact W·x for every encoding and slicing on random shapes", "[invariant]") {
  std::mt19937 gen(20261122);
  const char* encodings[] = {"differential", "offset"};
  const char* readouts[] = {"analog", "digital"};
  const char* removals[] = {"digital", "reference_column"};
  int cases = 0;
  for (const char* enc : encodings)
    for (const char* ro : readouts)
      for (const char* gm : removals)
        for (int cb : {1, 2, 3, 4})
          for (int db : {1, 2, 3})
            for (bool sgn : {false, true})
              for (double g_min : {0.0, 1.7}) {
                if (std::string(enc) == "offset" && std::string(ro) == "digital") continue;  // same as analog
                std::uniform_int_distribution<int> d_in(1, 300), d_out(1, 20), d_wb(2, 9), d_ab(2, 8);
                const int in = d_in(gen), out = d_out(gen), wb = d_wb(gen), ab = d_ab(gen);
                const int rows = std::vector<int>{16, 32, 64, 128}[gen() % 4];
                const int rpr = gen() % 2 ? 0 : std::max(1, rows / 3);
                const std::string yaml = fmt::format(
                    "mapping: {{bits_per_cell: {}, encoding: {}, differential_readout: {}, gmin_removal: {}}}\n"
                    "array: {{rows: {}, cols: 128, rows_per_read: {}}}\n"
                    "cell: {{model: ideal, g_min_us: {}, g_max_us: 25}}\n"
                    "dac: {{bits: {}}}\nadc: {{full_scale: max}}\n",
                    cb, enc, ro, gm, rows, rpr, g_min, db);
                INFO(yaml << " in=" << in << " out=" << out << " wb=" << wb << " ab=" << ab << " signed=" << sgn);
                test::CrossbarFixture f(test::random_weights(gen, out, in, wb), wb, ab, sgn, yaml);
                const Eigen::MatrixXi x = test::random_codes(gen, f.layer(), 5);
                const Eigen::MatrixXd chip = f.multiply(x);
                const Eigen::MatrixXd exact = f.exact(x);
                REQUIRE((chip - exact).cwiseAbs().maxCoeff() == 0.0);
                ++cases;
              }
  CHECK(cases == 3 * 2 * 4 * 3 * 2 * 2);
}

TEST_CASE("invariant: extreme inputs and weights convert exactly at the lossless resolution", "[invariant]") {
  // All weights at ±max and inputs at their top code drive every column to its full scale.
  for (bool sgn : {false, true}) {
    workload::MatrixXi32 w = workload::MatrixXi32::Constant(6, 128, 127);
    w.row(1).setConstant(-127);
    test::CrossbarFixture f(w, 8, 8, sgn,
                            "mapping: {bits_per_cell: 2}\ncell: {model: ideal}\nadc: {full_scale: max}\n");
    Eigen::MatrixXi x = Eigen::MatrixXi::Constant(128, 2, f.layer().input_max);
    x.col(1).setConstant(f.layer().input_min);
    CHECK((f.multiply(x) - f.exact(x)).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("invariant: one bit below lossless is no longer exact", "[invariant]") {
  std::mt19937 gen(3);
  const std::string yaml = "mapping: {bits_per_cell: 2}\ncell: {model: ideal}\nadc: {full_scale: max}\n";
  test::CrossbarFixture probe(test::random_weights(gen, 8, 128, 8), 8, 8, false, yaml);
  const int lossless = probe.adc->bits();
  test::CrossbarFixture f(probe.layer().w.cast<std::int32_t>(), 8, 8, false, yaml, lossless - 1);
  const Eigen::MatrixXi x = test::random_codes(gen, f.layer(), 32);
  CHECK((f.multiply(x) - f.exact(x)).cwiseAbs().maxCoeff() > 0.0);
}

#include "sim/config/loader.hpp"
#include "sim/run/simulation.hpp"

TEST_CASE("invariant: the digits network on ideal cells matches the quantized network", "[invariant]") {
  // 2-bit cells, bit-serial, 128 rows: 384 is the largest pair difference, 10 signed bits hold it.
  const auto s = run::simulate(test::config_with("cell: {model: ideal}\nadc: {bits: 10, full_scale: max}\n"));
  REQUIRE(s->eval.lossless_adc_bits == 10);
  CHECK(s->eval.instances.front().accuracy == s->eval.quantized_accuracy);
  CHECK(s->eval.quantized_accuracy > 0.95);
  // Sample by sample, every logit is the same number.
  functional::ProgramSettings ps;
  ps.qnet = &s->qnet;  // a run's map keeps no digits: programming computes them from the weights
  const auto programmed = functional::ProgrammedChip::program(s->chip, *s->cell, ps);
  const functional::FullScalePlan plan(s->chip, s->adc->common(), programmed.g_min_norm, s->eval.current_unit_ua);
  functional::CrossbarBackend chip(s->chip, programmed, *s->adc, plan);
  functional::ExactBackend exact;
  const auto x = s->test.inputs.leftCols(100);
  CHECK(functional::quantized_logits(s->qnet, x, 0, chip) == functional::quantized_logits(s->qnet, x, 0, exact));
}

TEST_CASE("invariant: offset encoding with digital G_min removal on ideal cells gives the quantized accuracy",
          "[contract]") {
  // A G_min that is no whole number of ΔG rides on every column into a lossless ADC and comes off
  // digitally: the chip must still compute the quantized network exactly.
  config::LoadOptions opt;
  opt.sets = {"workload.samples=120", "mapping.encoding=offset", "mapping.gmin_removal=digital",
              "cell={model: ideal, g_min_us: 5.3}", "adc.bits=16", "adc.full_scale=max"};
  const auto s = run::simulate(config::load_config(test::source_dir() + "/configs/digits_cnn.yaml", opt));
  REQUIRE(s->eval.lossless_adc_bits <= 16);
  CHECK(s->eval.instances.front().accuracy == s->eval.quantized_accuracy);
  CHECK(s->eval.instances.front().correct > 0);
}
