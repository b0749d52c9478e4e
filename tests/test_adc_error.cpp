// ADC resolution against output error: fewer bits give a measurably larger error, and where
// nothing clips each conversion is off by at most half an LSB.

#include <catch2/catch.hpp>

#include <cmath>

#include "crossbar_fixture.hpp"

using namespace cimsim;

namespace {

// One conversion per output: one weight slice (cb >= wb−1), one input slice (DAC as wide as the
// input), one row block, analog differential pairs. The output then is round(code·LSB).
const char* kOneConversion =
    "mapping: {bits_per_cell: 3, encoding: differential, differential_readout: analog}\n"
    "array: {rows: 128, cols: 128}\ndac: {bits: 3}\ncell: {model: ideal}\nadc: {full_scale: max}\n";

struct ErrorStats {
  double rms = 0, max_abs = 0, lsb = 0;
};

ErrorStats error_at(int bits, std::mt19937& gen) {
  const auto w = test::random_weights(gen, 20, 128, 4);
  test::CrossbarFixture f(w, 4, 3, false, kOneConversion, bits);
  const Eigen::MatrixXi x = test::random_codes(gen, f.layer(), 200);
  const Eigen::MatrixXd err = f.multiply(x) - f.exact(x);
  ErrorStats s;
  s.rms = std::sqrt(err.array().square().mean());
  s.max_abs = err.cwiseAbs().maxCoeff();
  // LSB in product units with `max` full scale: rows·u_max·d_max / (2^(b−1)−1).
  s.lsb = 128.0 * 7 * 7 / ((1 << (bits - 1)) - 1);
  return s;
}

}  // namespace

TEST_CASE("adc: every conversion is within half an LSB when nothing clips", "[adc]") {
  std::mt19937 gen(11);
  for (int bits : {4, 5, 6, 7, 8, 9, 10, 11}) {
    const ErrorStats s = error_at(bits, gen);
    INFO("bits " << bits << " lsb " << s.lsb << " max |err| " << s.max_abs);
    // The ADC rounds to half an LSB; the digital side rounds the product to an integer (≤ 1/2 more).
    CHECK(s.max_abs <= s.lsb / 2 + 0.5 + 1e-9);
  }
}

TEST_CASE("adc: fewer bits give a larger output error", "[adc]") {
  std::mt19937 gen(12);
  double previous = 0;
  for (int bits : {11, 9, 7, 5}) {
    const ErrorStats s = error_at(bits, gen);
    // Uniform rounding error has rms LSB/sqrt(12); 4000 conversions put its relative standard error
    // near 1.1 %, so 0.8..1.2 of the nominal value is a safe band.
    if (s.lsb > 4) {
      CHECK(s.rms > 0.8 * s.lsb / std::sqrt(12.0));
      CHECK(s.rms < 1.2 * s.lsb / std::sqrt(12.0));
    }
    CHECK(s.rms > 3 * previous);  // two bits fewer: four times the LSB
    previous = s.rms;
  }
}

TEST_CASE("adc: a fixed full scale below the column range clips", "[adc]") {
  std::mt19937 gen(13);
  const auto w = test::random_weights(gen, 20, 128, 4);
  // 1 µA of full scale is a small fraction of what 128 rows can carry.
  std::string yaml = kOneConversion;
  yaml.replace(yaml.find("adc: {full_scale: max}"), 22, "adc: {full_scale: fixed, fixed_full_scale_ua: 1.0}");
  test::CrossbarFixture f(w, 4, 3, false, yaml, 8);
  const Eigen::MatrixXi x = test::random_codes(gen, f.layer(), 50);
  const Eigen::MatrixXd y = f.multiply(x);
  // The largest representable product is the full scale in product units.
  const double fs_units = 1.0 / f.current_unit_ua();
  CHECK(y.cwiseAbs().maxCoeff() <= std::round(fs_units) + 1e-9);
  CHECK(f.exact(x).cwiseAbs().maxCoeff() > fs_units);
}

TEST_CASE("adc: an exact half LSB rounds away from zero on ideal cells, whatever G_max", "[adc][contract]") {
  // Two rows, 2-bit cells, 1-bit inputs, analog pairs: full scale 2·1·3 = 6 units over a 3-bit
  // signed ADC (codes ±3) is an LSB of exactly 2. A column value of 1 is half an LSB: code 1, so 2;
  // −1 gives −2; 3 (one and a half) gives 4. Digit conductances must read as whole digits for this
  // to hold at every G_max (in float, G/ΔG turns digit 1 into 0.99999994 for some of them).
  workload::MatrixXi32 w(2, 2);
  w << 1, 2, -1, -2;
  Eigen::MatrixXi x(2, 3);
  x << 1, 0, 1,  //
      0, 1, 1;
  Eigen::MatrixXd expected(2, 3);
  expected << 2, 2, 4,  //
      -2, -2, -4;
  for (double g_max : {24.0, 25.0, 7.3, 100.0, 33.3}) {
    INFO("g_max_us " << g_max);
    test::CrossbarFixture f(w, 3, 1, false,
                            "mapping: {bits_per_cell: 2, encoding: differential, differential_readout: analog}\n"
                            "array: {rows: 2, cols: 8}\ndac: {bits: 1}\nadc: {full_scale: max}\n"
                            "cell: {model: ideal, g_min_us: 0.4, g_max_us: " + std::to_string(g_max) + "}\n",
                            3);
    CHECK(f.multiply(x) == expected);
  }
}
