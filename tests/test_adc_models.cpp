// ADC types and their errors, converter by converter: offset, gain error, INL, thermal noise,
// conversion time per type, and the energy models.

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/periphery/adc.hpp"
#include "models/tech/tech.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::unique_ptr<models::AdcModel> adc_from(const std::string& yaml) {
  return models::AdcRegistry::instance().create(test::config_with(yaml).section("adc"));
}

std::vector<std::int32_t> convert(const models::AdcModel& adc, const std::vector<double>& x, std::int32_t lo,
                                  std::int32_t hi, std::uint64_t first = 0) {
  std::vector<std::int32_t> codes(x.size());
  const rng::Stream noise(1, rng::Purpose::AdcNoise, {0, 0});
  adc.convert(x.data(), x.size(), lo, hi, noise, first, codes.data());
  return codes;
}

// Inputs over the whole unsigned 8-bit range in steps of 0.01 LSB.
std::vector<double> sweep() {
  std::vector<double> x;
  for (int i = 0; i <= 25500; ++i) x.push_back(i * 0.01);
  return x;
}

}  // namespace

TEST_CASE("adc: offset and gain error shift the transfer exactly", "[adc]") {
  const auto x = sweep();
  const auto offset = adc_from("adc: {offset_lsb: 0.3}");
  const auto gain = adc_from("adc: {gain_error: 0.02}");
  const auto both = adc_from("adc: {offset_lsb: -0.7, gain_error: -0.01}");
  const auto c_off = convert(*offset, x, 0, 255), c_gain = convert(*gain, x, 0, 255), c_both = convert(*both, x, 0, 255);
  for (std::size_t i = 0; i < x.size(); ++i) {
    REQUIRE(c_off[i] == offset->ideal_code(x[i] + 0.3, 0, 255));
    REQUIRE(c_gain[i] == gain->ideal_code(x[i] * 1.02, 0, 255));
    REQUIRE(c_both[i] == both->ideal_code(x[i] * 0.99 - 0.7, 0, 255));
  }
  // The errors really move codes: a 0.3 LSB offset changes 30 % of the codes of a fine sweep.
  std::size_t moved = 0;
  for (std::size_t i = 0; i < x.size(); ++i) moved += c_off[i] != offset->ideal_code(x[i], 0, 255);
  CHECK(std::fabs(static_cast<double>(moved) / x.size() - 0.3) < 0.01);
}

TEST_CASE("adc: an INL table per code, or interpolated over the code range", "[adc]") {
  // Per code (256 entries for codes 0..255): +0.6 LSB at code 100 moves that input up a code.
  std::string per_code = "adc: {inl_lsb: [";
  for (int k = 0; k < 256; ++k) per_code += std::string(k ? ", " : "") + (k == 100 ? "0.6" : "0");
  per_code += "]}";
  const auto adc = adc_from(per_code);
  CHECK(convert(*adc, {99.0, 100.0, 101.0}, 0, 255) == std::vector<std::int32_t>{99, 101, 101});
  // Three points [0, 1, 0] over a signed range −127..127: 1 LSB at the middle, 0.5 LSB a quarter in.
  const auto bow = adc_from("adc: {inl_lsb: [0, 1.0, 0]}");
  CHECK(bow->common().inl_at(0, -127, 127) == Approx(1.0));
  CHECK(bow->common().inl_at(-63.5, -127, 127) == Approx(0.5));
  CHECK(bow->common().inl_at(127, -127, 127) == Approx(0.0));
  CHECK(bow->common().inl_at(500, -127, 127) == Approx(0.0));  // held beyond the range
  CHECK(convert(*bow, {0.0, -63.6, 120.0}, -127, 127) == std::vector<std::int32_t>{1, -63, 120});
}

TEST_CASE("adc: thermal noise moves codes with the normal probabilities", "[adc]") {
  // An input exactly on code 10 with 0.5 LSB of noise lands on 11 when the noise exceeds 0.5 LSB
  // (one sigma): probability 1 − Φ(1) = 0.158655, and on 9 as often. N = 200000 conversions; the
  // fractions are binomial, checked within 5 standard errors.
  const auto adc = adc_from("adc: {noise_lsb: 0.5}");
  const std::vector<double> x(200000, 10.0);
  const auto codes = convert(*adc, x, 0, 255);
  double up = 0, down = 0;
  for (auto c : codes) {
    up += c == 11;
    down += c == 9;
  }
  const double n = static_cast<double>(x.size()), p = 0.158655;
  const double tol = 5 * std::sqrt(p * (1 - p) / n);
  CHECK(std::fabs(up / n - p) < tol);
  CHECK(std::fabs(down / n - p) < tol);
  // Draws are indexed: the same index gives the same code, another index another draw.
  CHECK(convert(*adc, x, 0, 255, 0) == codes);
  CHECK(convert(*adc, x, 0, 255, 7) != codes);
  // Codes still clamp to the range.
  const auto noisy = adc_from("adc: {noise_lsb: 50}");
  for (auto c : convert(*noisy, std::vector<double>(1000, 128.0), 0, 255)) REQUIRE((c >= 0 && c <= 255));
}

TEST_CASE("adc: conversion time per type", "[adc]") {
  CHECK(adc_from("adc: {model: sar, bits: 7}")->conversion_cycles() == 7);
  CHECK(adc_from("adc: {model: sar, bits: 7}")->conversion_cycles_at(500) == 7);
  CHECK(adc_from("adc: {model: sar, bits: 7}")->conversion_time_ns(500) == Approx(14));
  CHECK(adc_from("adc: {model: flash, bits: 5}")->conversion_cycles_at(1000) == 1);
  CHECK(adc_from("adc: {model: ramp, bits: 6}")->conversion_cycles() == 64);
  CHECK(adc_from("adc: {model: ramp, bits: 6}")->conversion_cycles_at(800) == 64);
  // HERMES: 8 bits at 300 ps per LSB is 76.8 ns, 77 cycles at 1 GHz, 39 at 500 MHz.
  const auto hermes = adc_from("adc: {preset: hermes_ramp}");
  CHECK(hermes->conversion_time_ns(1000) == Approx(76.8));
  CHECK(hermes->conversion_cycles_at(1000) == 77);
  CHECK(hermes->conversion_cycles_at(500) == 39);
  CHECK_THROWS_WITH(hermes->conversion_cycles(), Catch::Contains("adc.lsb_time_ps"));
}

TEST_CASE("adc: energy by figure of merit with a floor, or by table", "[adc]") {
  const models::Tech at32 = models::Tech::from(test::config_with("").section("tech"));
  auto energy = [&](const std::string& yaml, int bits) {
    const auto adc = adc_from(yaml);
    return adc->cost(bits, at32).energy_pj;
  };
  // fom: max(floor, FoM·2^bits) with ISAAC's 6.1 fJ/step and the survey's 0.267 pJ floor.
  CHECK(energy("adc: {energy_model: fom, bits: 10}", 10) == Approx(6.1e-3 * 1024));
  CHECK(energy("adc: {energy_model: fom, bits: 4}", 4) == Approx(0.267));
  // table: the 32 nm series, exact at its points and log-linear between.
  CHECK(energy("adc: {preset: saberi_32nm, bits: 8}", 8) == Approx(1.67));
  CHECK(adc_from("adc: {preset: saberi_32nm, bits: 8}")->cost(8, at32).area_um2 == Approx(1200));
  CHECK(energy("adc: {preset: isaac}", 8) == Approx(1.5616));
  const auto kull = adc_from("adc: {preset: kull_sar}");
  CHECK(kull->cost(8, at32).energy_pj == Approx(2.55));
  // Its noise reproduces 6.2 effective bits: total rms error 2^1.8/sqrt(12) LSB.
  const double total = std::sqrt(kull->common().noise_lsb * kull->common().noise_lsb + 1.0 / 12);
  CHECK(8 - std::log2(total * std::sqrt(12.0)) == Approx(6.2).margin(0.005));
}
