// Counter-based random numbers: the published Philox4x32-10 answers, and normal draws with the
// right moments.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

#include "sim/util/rng.hpp"

using namespace cimsim;

TEST_CASE("rng: Philox4x32-10 known answers (Random123 test vectors)", "[rng]") {
  const auto z = rng::philox4x32_10({0, 0, 0, 0}, {0, 0});
  CHECK(z == rng::Block{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
  const auto f = rng::philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu});
  CHECK(f == rng::Block{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
  const auto pi = rng::philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u});
  CHECK(pi == rng::Block{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("rng: normal draws have mean 0, variance 1, and no lag correlation", "[rng]") {
  const rng::Stream s(1234, rng::Purpose::ReadNoise, {1, 2, 3});
  const std::size_t n = 400000;
  std::vector<float> x(n);
  s.normals(0, n, x.data());
  double mean = 0, var = 0, lag = 0, kurt = 0;
  for (float v : x) mean += v;
  mean /= n;
  for (std::size_t i = 0; i < n; ++i) {
    var += (x[i] - mean) * (x[i] - mean);
    kurt += std::pow(x[i] - mean, 4);
    if (i) lag += (x[i] - mean) * (x[i - 1] - mean);
  }
  var /= n - 1;
  kurt /= n * var * var;
  lag /= (n - 1) * var;
  const double se = 1 / std::sqrt(static_cast<double>(n));
  CHECK(std::fabs(mean) < 5 * se);
  CHECK(std::fabs(var - 1) < 5 * std::sqrt(2.0) * se);
  CHECK(std::fabs(kurt - 3) < 5 * std::sqrt(96.0) * se);  // var of the kurtosis estimate ≈ 24/n … 96/n with tails
  CHECK(std::fabs(lag) < 5 * se);
}

TEST_CASE("rng: streams are pure functions of seed, identifiers and index", "[rng]") {
  const rng::Stream a(7, rng::Purpose::Programming, {1, 2});
  const rng::Stream b(7, rng::Purpose::Programming, {1, 2});
  const rng::Stream c(7, rng::Purpose::ReadNoise, {1, 2});
  const rng::Stream d(7, rng::Purpose::Programming, {2, 1});
  CHECK(a.uniform(99) == b.uniform(99));
  CHECK(a.uniform(99) != c.uniform(99));
  CHECK(a.uniform(99) != d.uniform(99));
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const double u = a.uniform(i);
    CHECK((u > 0 && u < 1));
  }
}

TEST_CASE("rng: fast normals have the normal moments and tails", "[rng]") {
  const rng::Stream s(99, rng::Purpose::ReadNoise, {4, 5});
  const std::size_t n = 400000;
  std::vector<float> x(n);
  s.normals_fast(0, n, x.data());
  double mean = 0, var = 0, beyond2 = 0, beyond3 = 0;
  for (float v : x) {
    mean += v;
    beyond2 += std::fabs(v) > 2;
    beyond3 += std::fabs(v) > 3;
  }
  mean /= n;
  for (float v : x) var += (v - mean) * (v - mean);
  var /= n - 1;
  const double se = 1 / std::sqrt(static_cast<double>(n));
  CHECK(std::fabs(mean) < 5 * se);
  CHECK(std::fabs(var - 1) < 5 * std::sqrt(2.0) * se);
  // Two-sided tail masses of N(0, 1): 0.0455 beyond 2, 0.0027 beyond 3; binomial standard errors.
  const auto tail_ok = [&](double count, double p) {
    return std::fabs(count / n - p) < 5 * std::sqrt(p * (1 - p) / n);
  };
  CHECK(tail_ok(beyond2, 0.0455003));
  CHECK(tail_ok(beyond3, 0.0026998));
}

TEST_CASE("rng: fast normals drawn in pieces equal one long draw", "[rng]") {
  // The engine draws the same index range in many short calls or one long one depending on the
  // thread split; the values must not depend on it.
  const rng::Stream s(5, rng::Purpose::Programming, {7});
  const std::size_t n = 5000;
  std::vector<float> whole(n), pieces(n);
  s.normals_fast(0, n, whole.data());
  const std::size_t sizes[] = {1, 3, 2, 511, 512, 513, 7, 1024, 4, 5};
  std::size_t at = 0;
  for (std::size_t k = 0; at < n; ++k) {
    const std::size_t len = std::min(sizes[k % std::size(sizes)], n - at);
    s.normals_fast(at, len, pieces.data() + at);
    at += len;
  }
  CHECK(whole == pieces);
  // A draw starting mid-way equals the tail of a draw from 0.
  std::vector<float> tail(n - 1234);
  s.normals_fast(1234, tail.size(), tail.data());
  CHECK(std::equal(tail.begin(), tail.end(), whole.begin() + 1234));
}

TEST_CASE("rng: fast normals agree element by element across the 2^32nd generator block", "[rng]") {
  // A long draw takes the generator eight blocks at a time where the CPU has vector units; one
  // element at a time takes it a block at a time. Both must give the same values everywhere,
  // including a group of blocks whose counter's low word wraps into the high one.
  const rng::Stream s(11, rng::Purpose::ReadNoise, {3, 1});
  for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{6}, ((std::uint64_t{1} << 32) - 5) * 4 + 3,
                                    (std::uint64_t{7} << 40) | 13}) {
    const std::size_t n = 700;
    std::vector<float> long_draw(n), one_by_one(n);
    s.normals_fast(first, n, long_draw.data());
    for (std::size_t i = 0; i < n; ++i) s.normals_fast(first + i, 1, one_by_one.data() + i);
    INFO("first " << first);
    CHECK(long_draw == one_by_one);
  }
}

TEST_CASE("rng: fast normals over many ranges equal one draw per range", "[rng]") {
  // The engine draws every readout's vectors of a read in one call: ranges that start on any lane of
  // a block, lie far apart (the readout in the high bits), straddle the 2^32nd block, and fill one
  // piece of the generator or several.
  const rng::Stream s(13, rng::Purpose::ReadNoise, {2, 9});
  for (const std::size_t n : {std::size_t{1}, std::size_t{5}, std::size_t{24}, std::size_t{113}, std::size_t{600}}) {
    std::vector<std::uint64_t> firsts;
    for (std::uint64_t r = 0; r < 37; ++r) firsts.push_back((r * 3 + 1) << 40 | (r % 4) * 9);
    firsts.push_back(((std::uint64_t{1} << 32) - 3) * 4 + 1);
    std::vector<std::vector<float>> together(firsts.size(), std::vector<float>(n)), alone = together;
    std::vector<float*> outs;
    for (auto& t : together) outs.push_back(t.data());
    s.normals_fast(firsts.data(), outs.data(), firsts.size(), n);
    for (std::size_t r = 0; r < firsts.size(); ++r) s.normals_fast(firsts[r], n, alone[r].data());
    INFO("n " << n);
    CHECK(together == alone);
  }
}

TEST_CASE("rng: fast normal i is Box–Muller on its block's words, lane by lane", "[rng]") {
  // Element i comes from block i / 4: lanes 0 and 1 are r·cos and r·sin of the pair from words 0
  // and 1, lanes 2 and 3 of the pair from words 2 and 3, r = √(−2 ln u1) and angle 2π·u2 with
  // u1 = (word + ½)/2^32 and u2 = word/2^32. The moments above cannot see a sine and cosine
  // swapped or a sign flipped in some quadrant; this compares every draw with the formula in double
  // precision (the fast log, sine and cosine are good to a few units of 1e-7).
  const rng::Stream s(21, rng::Purpose::ReadNoise, {6, 2});
  const std::size_t n = 40000;
  std::vector<float> z(n);
  s.normals_fast(0, n, z.data());
  constexpr double kTwoPi = 6.283185307179586;
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const rng::Block w = s.bits(i / 4);
    const std::size_t pair = i % 4 / 2;
    const double u1 = (static_cast<float>(w[2 * pair]) + 0.5f) * (1.0f / 4294967296.0f);
    const double u2 = static_cast<float>(w[2 * pair + 1]) * (1.0f / 4294967296.0f);
    const double r = std::sqrt(-2.0 * std::log(u1)), angle = kTwoPi * u2;
    const double expected = i % 2 == 0 ? r * std::cos(angle) : r * std::sin(angle);
    worst = std::max(worst, std::fabs(z[i] - expected));
  }
  CHECK(worst < 1e-5);
}
