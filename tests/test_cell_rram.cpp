// RRAM against the equations of its three fits (docs/devices.md), plus device spread, stuck-at
// faults and the I-V non-linearity. Tolerances: cell_support.hpp.

#include <catch2/catch.hpp>

#include "cell_support.hpp"

using namespace cimsim;
using test::moments_of;

namespace {

double neurram_sigma(const double c[5], double g_hat) {
  return c[0] + c[1] * g_hat + c[2] * g_hat * g_hat + c[3] * std::pow(g_hat, 3) + c[4] * std::pow(g_hat, 4);
}
const double kOneSecond[5] = {0.348, 16.030, -43.853, 45.393, -16.815};
const double kOneDay[5] = {0.701, 22.086, -50.773, 47.095, -16.458};
const double kTwoDays[5] = {0.782, 20.274, -43.507, 37.062, -11.934};

void check_spread(const models::CellModel& cell, double g, double t_s, double expected_sigma, std::uint32_t array) {
  const auto dev = cell.program(test::constant_targets(g), {11, 0, 0, array}, t_s);
  const auto m = moments_of(dev.g_us);
  INFO("G " << g << " t " << t_s << " std " << m.std << " expected " << expected_sigma);
  CHECK(std::fabs(m.mean - g) < m.mean_tolerance());
  CHECK(std::fabs(m.std - expected_sigma) < m.std_tolerance());
}

}  // namespace

TEST_CASE("rram: HfO2 programming error is max(4.782 - 0.009107 G, 0) uS", "[cells][rram]") {
  const auto cell = test::cell_from("cell: {preset: rram_hfo2}");
  CHECK(cell->g_min_us() == 50);
  CHECK(cell->g_max_us() == 225);
  for (double g : {50.0, 137.5, 225.0}) check_spread(*cell, g, 1, 4.782321 - 0.009107 * g, 1);
  // No time dependence in this fit.
  check_spread(*cell, 137.5, 86400, 4.782321 - 0.009107 * 137.5, 2);
}

TEST_CASE("rram: NeuRRAM sigma at 1 s and 1 day, interpolated in ln t between", "[cells][rram]") {
  const auto cell = test::cell_from("cell: {preset: rram_neurram}");
  for (double g_hat : {0.25, 0.5, 1.0}) {
    check_spread(*cell, 40 * g_hat, 1, neurram_sigma(kOneSecond, g_hat), 3);
    check_spread(*cell, 40 * g_hat, 86400, neurram_sigma(kOneDay, g_hat), 4);
  }
  // One hour sits between 1 s and 1 day at the fraction ln(3600)/ln(86400) of ln t.
  const double w = std::log(3600.0) / std::log(86400.0);
  check_spread(*cell, 20, 3600, (1 - w) * neurram_sigma(kOneSecond, 0.5) + w * neurram_sigma(kOneDay, 0.5), 5);
  // Outside the published times the nearest one holds.
  check_spread(*cell, 20, 0.01, neurram_sigma(kOneSecond, 0.5), 6);
  check_spread(*cell, 20, 1e7, neurram_sigma(kTwoDays, 0.5), 7);
  // About 1 % short-term read noise on every read.
  const auto dev = cell->program(test::constant_targets(20, 10, 10), {1, 0, 0, 0}, 1);
  CHECK((dev.read_sigma_us - dev.g_us * 0.01f).cwiseAbs().maxCoeff() < 1e-6);
}

TEST_CASE("rram: NeuRRAM sigma scales with g_max against the fit's 40 uS", "[cells][rram]") {
  const auto cell = test::cell_from("cell: {preset: rram_neurram, g_max_us: 80}");
  check_spread(*cell, 40, 1, 2 * neurram_sigma(kOneSecond, 0.5), 8);
}

TEST_CASE("rram: HfOx relaxes by -0.089 ln t with spread 0.412 + 0.042 ln t", "[cells][rram]") {
  const auto cell = test::cell_from("cell: {preset: rram_hfox, read_noise_1f_us: 0}");
  const double g = 50, day = 86400;
  const double prog = 0.00081107 + 0.00106879 * g;
  const double relax = 0.41183342 + 0.04201137 * std::log(day);
  const auto dev = cell->program(test::constant_targets(g), {12, 0, 0, 0}, day);
  const auto m = moments_of(dev.g_us);
  INFO("mean " << m.mean << " std " << m.std);
  CHECK(std::fabs(m.mean - (g - 0.08900206 * std::log(day))) < m.mean_tolerance());
  CHECK(std::fabs(m.std - std::sqrt(prog * prog + relax * relax)) < m.std_tolerance());
  // Before the fit's first second the spread and shift stay at their 1 s values.
  const auto early = moments_of(cell->program(test::constant_targets(g), {12, 0, 0, 1}, 1e-3).g_us);
  CHECK(std::fabs(early.mean - g) < early.mean_tolerance());
  CHECK(std::fabs(early.std - std::sqrt(prog * prog + 0.41183342 * 0.41183342)) < early.std_tolerance());
}

TEST_CASE("rram: HfOx 1/f noise is 0.0277 log10(G) sqrt(ln((t + 1 us)/(2 us)))", "[cells][rram]") {
  const double day = 86400, factor = std::sqrt(std::log((day + 1e-6) / 2e-6));
  const auto every = test::cell_from("cell: {preset: rram_hfox, relax_sigma_us: [0, 0], relax_shift_us_per_ln_s: 0, "
                                     "read_noise_draw: every_read}");
  const auto dev = every->program(test::constant_targets(30, 20, 20), {13, 0, 0, 0}, day);
  const Eigen::ArrayXXf expected = 0.0277316483f * dev.g_us.array().log10() * static_cast<float>(factor);
  CHECK((dev.read_sigma_us.array() - expected).abs().maxCoeff() < 1e-6);

  const auto once = test::cell_from("cell: {preset: rram_hfox, sigma_coeffs_us: [0], relax_sigma_us: [0, 0], "
                                    "relax_shift_us_per_ln_s: 0}");
  const auto m = moments_of(once->program(test::constant_targets(30), {13, 0, 0, 1}, day).g_us);
  CHECK(std::fabs(m.std - 0.0277316483 * std::log10(30.0) * factor) < m.std_tolerance());
}

TEST_CASE("rram: device-to-device spread is lognormal with sigma d2d_sigma", "[cells][rram]") {
  const auto cell = test::cell_from("cell: {model: rram, sigma_coeffs_us: [0], d2d_sigma: 0.08}");
  const double g = 100;
  const auto dev = cell->program(test::constant_targets(g), {14, 0, 0, 0}, 1);
  const auto m = moments_of((dev.g_us.array() / static_cast<float>(g)).log());
  CHECK(std::fabs(m.mean) < m.mean_tolerance());
  CHECK(std::fabs(m.std - 0.08) < m.std_tolerance());
}

TEST_CASE("rram: stuck-at faults occur at their rates, at the window's ends", "[cells][rram]") {
  // Chen et al., IEEE TC 2015: SA0 1.75 %, SA1 9.04 %.
  const auto cell =
      test::cell_from("cell: {model: rram, sigma_coeffs_us: [0], stuck_sa0_rate: 0.0175, stuck_sa1_rate: 0.0904}");
  const auto dev = cell->program(test::constant_targets(120), {15, 0, 0, 0}, 1);
  const double n = static_cast<double>(dev.g_us.size());
  const double sa0 = (dev.g_us.array() == 50.0f).cast<double>().sum() / n;
  const double sa1 = (dev.g_us.array() == 225.0f).cast<double>().sum() / n;
  // Binomial: 5 standard errors sqrt(p(1 - p)/N).
  CHECK(std::fabs(sa0 - 0.0175) < 5 * std::sqrt(0.0175 * (1 - 0.0175) / n));
  CHECK(std::fabs(sa1 - 0.0904) < 5 * std::sqrt(0.0904 * (1 - 0.0904) / n));
  CHECK(((dev.g_us.array() == 50.0f) || (dev.g_us.array() == 225.0f) || (dev.g_us.array() == 120.0f)).all());
  CHECK_THROWS_WITH(test::cell_from("cell: {model: rram, stuck_sa0_rate: 0.6, stuck_sa1_rate: 0.6}"),
                    Catch::Contains("cell.stuck_sa1_rate"));
}

TEST_CASE("rram: I-V non-linearity coefficients scale with each device's conductance", "[cells][rram]") {
  const auto cell = test::cell_from("cell: {preset: rram_hfo2, iv_nl2_per_v: 0.3, iv_nl3_per_v2: -0.2}");
  const auto dev = cell->program(test::constant_targets(100, 8, 8), {16, 0, 0, 0}, 1);
  CHECK((dev.iv_nl2_ua_per_v2 - dev.g_us * 0.3f).cwiseAbs().maxCoeff() < 1e-4);
  CHECK((dev.iv_nl3_ua_per_v3 + dev.g_us * 0.2f).cwiseAbs().maxCoeff() < 1e-4);
  // Linear devices carry none.
  CHECK(test::cell_from("cell: {preset: rram_hfo2}")->program(test::constant_targets(100, 2, 2), {}, 1)
            .iv_nl2_ua_per_v2.size() == 0);
}

TEST_CASE("rram: malformed sigma tables are errors at their key", "[cells][rram]") {
  CHECK_THROWS_WITH(test::cell_from("cell: {model: rram, sigma_times_s: [1, 10], sigma_coeffs_us: [1, 2, 3]}"),
                    Catch::Contains("cell.sigma_coeffs_us"));
  CHECK_THROWS_WITH(test::cell_from("cell: {model: rram, sigma_times_s: [10, 1], sigma_coeffs_us: [1, 2]}"),
                    Catch::Contains("strictly increasing"));
}
