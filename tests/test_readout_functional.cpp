// The functional semantics of the readout schemes (docs/semantics.md): analog accumulation of input
// bits, signed inputs as pulse polarity, analog combination of weight-bit columns, binary weights
// and resistance summation each give exactly W·x on ideal cells at the lossless resolution (docs/design.md
// §4's invariant), convert as often as the formula says, and cost what the formula says.

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "crossbar_fixture.hpp"
#include "models/periphery/dac.hpp"
#include "sim/cost/activity_estimate.hpp"
#include "sim/functional/drive_levels.hpp"
#include "sim/functional/full_scale.hpp"

using namespace cimsim;

namespace {

// Codes in the symmetric range ±(2^(ab−1) − 1) for signed inputs (polarity drives magnitudes up to
// that), the quantizer's range otherwise.
Eigen::MatrixXi symmetric_codes(std::mt19937& gen, const workload::QuantLayer& q, int batch) {
  const int lo = q.input_signed ? -q.input_max : q.input_min;
  std::uniform_int_distribution<int> d(lo, q.input_max);
  Eigen::MatrixXi x(q.w.cols(), batch);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = d(gen);
  return x;
}

std::string scheme_yaml(const std::string& readout, const char* enc, const char* ro, const char* gm, int cb, int db,
                        int rows, double g_min) {
  return fmt::format(
      "readout: {{{}}}\n"
      "mapping: {{bits_per_cell: {}, encoding: {}, differential_readout: {}, gmin_removal: {}}}\n"
      "array: {{rows: {}, cols: 128}}\n"
      "cell: {{model: ideal, g_min_us: {}, g_max_us: 25}}\n"
      "dac: {{bits: {}}}\nadc: {{full_scale: max}}\n",
      readout, cb, enc, ro, gm, rows, g_min, db);
}

}  // namespace

TEST_CASE("readout functional: every scheme gives exact W·x on ideal cells at the lossless resolution",
          "[readout][invariant]") {
  std::mt19937 gen(20260611);
  const char* schemes[] = {"input_bits: accumulate", "input_sign: polarity", "weight_bits: combine",
                           "input_bits: accumulate, weight_bits: combine, input_sign: polarity",
                           "pipelining: integrate, input_bits: accumulate"};
  const char* encodings[] = {"differential", "offset"};
  const char* readouts[] = {"analog", "digital"};
  int cases = 0;
  for (const char* scheme : schemes)
    for (const char* enc : encodings)
      for (const char* ro : readouts)
        for (bool sgn : {false, true})
          for (int wb : {1, 2, 6}) {
            if (std::string(enc) == "offset" && std::string(ro) == "digital") continue;
            std::uniform_int_distribution<int> d_in(1, 200), d_out(1, 12), d_ab(2, 7), d_cb(1, 3), d_db(1, 3);
            // Analog accumulation and combination widen the ADC input quickly: draw again until the
            // lossless resolution is one the ADC section accepts (at most 16 bits).
            int in = 0, out = 0, ab = 0;
            std::string yaml;
            workload::MatrixXi32 w;
            for (bool fits = false; !fits;) {
              in = d_in(gen), out = d_out(gen), ab = d_ab(gen);
              const int cb = d_cb(gen), db = d_db(gen);
              const double g_min = gen() % 2 ? 0.0 : 1.7;
              const char* gm = gen() % 2 ? "digital" : "reference_column";
              yaml = scheme_yaml(scheme, enc, ro, gm, cb, db, 64, g_min);
              w = test::random_weights(gen, out, in, wb);
              const test::CrossbarFixture probe(w, wb, ab, sgn, yaml, 16);
              fits = functional::lossless_adc_bits(probe.chip, probe.programmed.g_min_norm) <= 16;
            }
            INFO(yaml << " in=" << in << " out=" << out << " wb=" << wb << " ab=" << ab << " signed=" << sgn);
            test::CrossbarFixture f(w, wb, ab, sgn, yaml);
            const Eigen::MatrixXi x = symmetric_codes(gen, f.layer(), 6);
            REQUIRE((f.multiply(x) - f.exact(x)).cwiseAbs().maxCoeff() == 0.0);
            ++cases;
          }
  CHECK(cases == 5 * 3 * 2 * 3);
}

TEST_CASE("readout functional: one conversion per vector with accumulated input bits; energy linear in the bits",
          "[readout]") {
  // Every input at its top code: every 1-bit slice drives every row, so a vector's cell and driver
  // energy is (input bits) × one read's, while the conversions stay one per readout.
  auto run = [](int ab, const std::string& scheme) {
    std::mt19937 gen(5);
    // 16 rows keep the accumulated 8-bit input's lossless resolution within the ADC's 16 bits.
    test::CrossbarFixture f(test::random_weights(gen, 8, 16, 5), 5, ab, false,
                            "readout: {" + scheme + "}\nmapping: {bits_per_cell: 2}\ncell: {model: ideal}\n"
                            "dac: {bits: 1}\nadc: {full_scale: max}\n");
    const auto dac = models::DacRegistry::instance().create(f.cfg.section("dac"));
    const auto drive = functional::DriveLevels::of_chip(f.chip.arch, *dac, *f.cell);
    functional::Activity act;
    const Eigen::MatrixXi x = Eigen::MatrixXi::Constant(16, 3, f.layer().input_max);
    CHECK((f.multiply(x, &act, &drive) - f.exact(x)).cwiseAbs().maxCoeff() == 0.0);
    return act.total();
  };
  const auto a4 = run(4, "input_bits: accumulate"), a8 = run(8, "input_bits: accumulate");
  const auto s8 = run(8, "input_bits: per_slice");
  const std::int64_t readouts = 8 * 2;  // 8 outputs, 5-bit weights: 2 slices of 2-bit magnitude, analog pairs
  CHECK(a8.conversions == 3 * readouts);
  CHECK(a4.conversions == a8.conversions);
  CHECK(s8.conversions == 8 * a8.conversions);
  CHECK(a8.array_reads == 2 * a4.array_reads);
  CHECK(a8.cell_energy_pj == Approx(2 * a4.cell_energy_pj));
  CHECK(a8.dac_energy_pj == Approx(2 * a4.dac_energy_pj));
  CHECK(a8.cell_energy_pj == Approx(s8.cell_energy_pj));
}

TEST_CASE("readout functional: polarity inputs take no sign slice, combined columns one conversion per output",
          "[readout]") {
  std::mt19937 gen(9);
  const auto w = test::random_weights(gen, 10, 40, 7);
  auto fixture = [&](const std::string& scheme, bool sgn) {
    return test::CrossbarFixture(w, 7, 6, sgn, "readout: {" + scheme + "}\nmapping: {bits_per_cell: 2}\n"
                                 "cell: {model: ideal}\ndac: {bits: 2}\nadc: {full_scale: max}\n");
  };
  const auto slice = fixture("input_sign: sign_slice", true), polar = fixture("input_sign: polarity", true);
  CHECK(slice.chip.layers[0].input_slices.size() == 4);  // ⌈5/2⌉ magnitude slices + the sign
  CHECK(polar.chip.layers[0].input_slices.size() == 3);
  // Combined weight columns: 3 slices of a 6-bit magnitude per output, one conversion per output.
  const auto per_column = fixture("", false), combined = fixture("weight_bits: combine", false);
  CHECK(per_column.chip.arrays[0].conversions.size() == 30);
  CHECK(combined.chip.arrays[0].conversions.size() == 10);
  const Eigen::MatrixXi x = symmetric_codes(gen, polar.layer(), 4);
  CHECK((polar.multiply(x) - polar.exact(x)).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("readout functional: binary weights take one cell (offset) or one complementary pair", "[readout]") {
  std::mt19937 gen(4);
  const auto w = test::random_weights(gen, 16, 50, 1);
  for (const char* enc : {"offset", "differential"}) {
    INFO(enc);
    test::CrossbarFixture f(w, 1, 4, false,
                            std::string("mapping: {bits_per_cell: 1, encoding: ") + enc +
                                "}\ncell: {model: ideal}\nadc: {full_scale: max}\n");
    CHECK(f.chip.arrays[0].columns == (std::string(enc) == "offset" ? 16 : 32));
    const Eigen::MatrixXi x = test::random_codes(gen, f.layer(), 5);
    CHECK((f.multiply(x) - f.exact(x)).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("readout functional: resistance summation reads the series chain exactly and costs I^2·R·t",
          "[readout][resistance]") {
  // Binary MRAM-like cells (G_min 20 µS, G_max 50 µS: R_off 50 kΩ, R_on 20 kΩ) read as chains
  // against a reference chain of R_off cells.
  std::mt19937 gen(11);
  const auto w = test::random_weights(gen, 6, 30, 1);
  test::CrossbarFixture f(w, 1, 3, false,
                          "readout: {summation: resistance, read_current_ua: 2}\n"
                          "mapping: {bits_per_cell: 1, encoding: offset, gmin_removal: reference_column}\n"
                          "cell: {model: ideal, g_min_us: 20, g_max_us: 50}\ndac: {bits: 1}\nadc: {full_scale: max}\n"
                          "array: {read_time_ns: 10}\n");
  const auto dac = models::DacRegistry::instance().create(f.cfg.section("dac"));
  const auto drive = functional::DriveLevels::of_chip(f.chip.arch, *dac, *f.cell);
  const Eigen::MatrixXi x = test::random_codes(gen, f.layer(), 4);
  functional::Activity act;
  CHECK((f.multiply(x, &act, &drive) - f.exact(x)).cwiseAbs().maxCoeff() == 0.0);
  // Energy: every selected cell (input bit 1) of every column, reference included, carries the
  // chain current for the read: I²·R·t.
  const mapping::ArrayMap& a = f.chip.arrays[0];
  double expected = 0;
  for (Eigen::Index v = 0; v < x.cols(); ++v)
    for (int bit = 0; bit < 3; ++bit)
      for (int r = 0; r < a.rows; ++r) {
        if (!((x(r, v) >> bit) & 1)) continue;
        for (int c = 0; c < a.columns; ++c) expected += 2.0 * 2.0 * 10 * (a.digits(r, c) ? 1e3 / 50 : 1e3 / 20) * 1e-6;
      }
  CHECK(act.total().cell_energy_pj == Approx(expected).epsilon(1e-9));
  // Multi-bit slices cannot chain, and a G_min of zero has no off resistance.
  CHECK_THROWS_WITH(test::CrossbarFixture(w, 1, 3, false,
                                          "readout: {summation: resistance}\nmapping: {bits_per_cell: 1, encoding: offset, "
                                          "gmin_removal: reference_column}\ncell: {model: ideal, g_min_us: 20}\ndac: {bits: 2}\n"),
                    Catch::Contains("readout.summation") && Catch::Contains("1-bit input slices"));
  CHECK_THROWS_WITH(test::CrossbarFixture(w, 1, 3, false,
                                          "readout: {summation: resistance}\nmapping: {bits_per_cell: 1, encoding: offset, "
                                          "gmin_removal: reference_column}\ncell: {model: ideal, g_min_us: 0}\n"),
                    Catch::Contains("G_min > 0"));
}

TEST_CASE("readout functional: the uniform-digit estimate of a resistance chain's energy is the measured one's",
          "[readout][resistance]") {
  // ±1 weights and inputs drawn uniformly give uniform digits: the estimate (shape-only runs,
  // run.mode: estimate) must then match the functional engine's I²·R·t, up to sampling and the
  // reference column (all R_off, which the estimate counts as uniform digits).
  std::mt19937 gen(3);
  const auto w = test::random_weights(gen, 48, 64, 1);
  test::CrossbarFixture f(w, 1, 4, false,
                          "readout: {summation: resistance}\n"
                          "mapping: {bits_per_cell: 1, encoding: offset, gmin_removal: reference_column}\n"
                          "cell: {model: ideal, g_min_us: 20, g_max_us: 50}\ndac: {bits: 1}\nadc: {full_scale: max}\n");
  const auto dac = models::DacRegistry::instance().create(f.cfg.section("dac"));
  const auto drive = functional::DriveLevels::of_chip(f.chip.arch, *dac, *f.cell);
  const int batch = 256;
  const Eigen::MatrixXi x = test::random_codes(gen, f.layer(), batch);
  functional::Activity measured;
  f.multiply(x, &measured, &drive);
  const double per_vector = measured.total().cell_energy_pj / batch;
  const double estimated = cost::uniform_activity(f.chip, *f.cell, drive).total().cell_energy_pj;
  CHECK(estimated == Approx(per_vector).epsilon(0.05));
  // No finite off resistance: refused before any estimate.
  test::CrossbarFixture ok(w, 1, 4, false, "cell: {model: ideal, g_min_us: 0}\n");
  const auto cfg = test::config_with("readout: {summation: resistance}\ncell: {model: ideal, g_min_us: 0}\n");
  CHECK_THROWS_WITH(functional::DriveLevels::of_chip(mapping::Architecture::from(cfg), *dac, *ok.cell),
                    Catch::Contains("readout.summation") && Catch::Contains("G_min > 0"));
}
