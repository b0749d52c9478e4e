// Read-noise spreads are correctly rounded square roots, element by element, wherever they sit in
// memory: Eigen's vectorised float sqrt (an approximate reciprocal root and a Newton step) gave
// last bits that follow the CPU's make and a buffer's alignment.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "models/cells/device_effects.hpp"
#include "sim/util/exact_sqrt.hpp"

using namespace cimsim;

namespace {

// Bit-for-bit equality of floats (both NaN counts as equal).
bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The reference, one element at a time through the scalar instruction.
float scalar_sqrt(float v) {
  volatile float x = v;  // keeps the compiler from vectorising the reference
  return std::sqrt(static_cast<float>(x));
}

}  // namespace

TEST_CASE("exact sqrt: every element is the correctly rounded root, at any offset in memory", "[util][sqrt]") {
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> value(0.0f, 4.0f);
  std::vector<float> source(4099);
  for (float& v : source) v = value(gen);
  source[7] = 0.0f;
  source[8] = 1e-40f;  // subnormal
  for (std::size_t offset = 0; offset < 9; ++offset) {
    std::vector<float> v(source.begin() + static_cast<std::ptrdiff_t>(offset), source.end());
    util::sqrt_in_place(v.data(), v.size());
    std::size_t exact = 0;
    for (std::size_t i = 0; i < v.size(); ++i) exact += same_bits(v[i], scalar_sqrt(source[offset + i])) ? 1 : 0;
    INFO("offset " << offset);
    CHECK(exact == v.size());
  }
}

TEST_CASE("add_read_sigma: two noise sources combine as the correctly rounded root of their summed variances",
          "[models][sqrt]") {
  // Spreads in steps of 1/8 up to 8: their squares and sums are exact in float, so the variance
  // is one number however the compiler arranges the arithmetic, and only its root is tested.
  std::mt19937 gen(9);
  std::uniform_int_distribution<int> eighths(0, 64);
  const auto sigma = [&] { return static_cast<float>(eighths(gen)) / 8.0f; };
  const Eigen::MatrixXf first = Eigen::MatrixXf::NullaryExpr(67, 129, sigma);
  const Eigen::MatrixXf second = Eigen::MatrixXf::NullaryExpr(67, 129, sigma);
  models::ArrayDevices d;
  models::add_read_sigma(d, first);
  models::add_read_sigma(d, second);
  std::size_t exact = 0;
  for (Eigen::Index i = 0; i < first.size(); ++i) {
    const float want = scalar_sqrt(first(i) * first(i) + second(i) * second(i));
    exact += same_bits(d.read_sigma_us(i), want) ? 1 : 0;
  }
  CHECK(exact == static_cast<std::size_t>(first.size()));
}
