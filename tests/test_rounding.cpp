// util::round_half_away is std::round (C's round: half away from zero) bit for bit, signed zeros,
// infinities and NaN included: its add-and-truncate form is only right because of how the sum
// rounds next to half-integers, so every float is tried and doubles on both sides of half-integers
// at every scale the engine meets.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "sim/util/rounding.hpp"

using namespace cimsim;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

// How many of the values f(0), f(1), … f(n − 1) round differently from std::round.
template <class F>
std::uint64_t mismatches(std::uint64_t n, F&& f) {
  std::uint64_t bad = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const double v = f(i);
    if (!same_bits(util::round_half_away(v), std::round(v))) {
      if (bad < 5) UNSCOPED_INFO("differs at " << std::hexfloat << v);
      ++bad;
    }
  }
  return bad;
}

}  // namespace

TEST_CASE("round_half_away equals std::round on special values", "[util][rounding]") {
  const double inf = std::numeric_limits<double>::infinity();
  for (const double v : {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994,
                         0x1p52 - 0.5, 0x1p52 + 1, 0x1p53 - 1, 0x1p53, 1e300, -1e300, inf, -inf,
                         std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::quiet_NaN()}) {
    INFO(std::hexfloat << v);
    CHECK(same_bits(util::round_half_away(v), std::round(v)));
  }
}

TEST_CASE("round_half_away equals std::round on every float", "[util][rounding]") {
  CHECK(mismatches(std::uint64_t{1} << 32, [](std::uint64_t i) {
          const auto bits = static_cast<std::uint32_t>(i);
          float f;
          std::memcpy(&f, &bits, sizeof f);
          return static_cast<double>(f);
        }) == 0);
}

TEST_CASE("round_half_away equals std::round beside half-integers and on random doubles", "[util][rounding]") {
  // k·2^e + ½ for |k| ≤ 300 and e in [−60, 60], and the four doubles on each side of it, both signs.
  CHECK(mismatches(121 * 601 * 9 * 2, [](std::uint64_t i) {
          const int sign = i % 2 ? -1 : 1;
          const int step = static_cast<int>(i / 2 % 9) - 4;
          const auto k = static_cast<double>(static_cast<int>(i / 18 % 601) - 300);
          const int e = static_cast<int>(i / (18 * 601)) - 60;
          double v = std::ldexp(k, e) + 0.5;
          for (int s = 0; s < std::abs(step); ++s) v = std::nextafter(v, step > 0 ? HUGE_VAL : -HUGE_VAL);
          return sign * v;
        }) == 0);
  std::mt19937_64 gen(3);
  CHECK(mismatches(std::uint64_t{1} << 24, [&](std::uint64_t) {
          const std::uint64_t bits = gen();
          double v;
          std::memcpy(&v, &bits, sizeof v);
          return v;
        }) == 0);
}
