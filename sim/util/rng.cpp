#include "sim/util/rng.hpp"

#include <Eigen/Dense>

#include <cstring>
#include <vector>

namespace cimsim::rng {

namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;
}  // namespace

Stream::Stream(std::uint64_t seed, Purpose purpose, std::initializer_list<std::uint64_t> ids) {
  key_ = {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  std::uint64_t h = mix64(static_cast<std::uint64_t>(purpose));
  for (std::uint64_t id : ids) h = mix64(h ^ mix64(id + 0x632BE59BD9B4E019ull));
  stream_ = h;
}

std::array<double, 2> Stream::normal_pair(std::uint64_t index) const {
  const Block b = bits(index);
  const double u1 = to_unit(b[0], b[1]);
  const double u2 = to_unit(b[2], b[3]);
  const double r = std::sqrt(-2.0 * std::log(u1));
  return {r * std::cos(kTwoPi * u2), r * std::sin(kTwoPi * u2)};
}

void Stream::normals(std::uint64_t first, std::size_t n, float* out) const {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(normal(first + i));
}

}  // namespace cimsim::rng

namespace cimsim::rng {

namespace {

// Natural log of u in (0, 1], from its exponent and a series for the mantissa's log:
// ln m = 2·atanh((m − 1)/(m + 1)), m in [√½, √2), so the series argument stays below 0.172 and
// five terms leave an error below 1e-7. Plain arithmetic so that the loop vectorises.
inline float log_unit(float u) {
  std::uint32_t bits;
  std::memcpy(&bits, &u, sizeof bits);
  const float exponent = static_cast<float>(static_cast<int>((bits >> 23) & 0xff) - 127);
  bits = (bits & 0x007fffffu) | 0x3f800000u;  // mantissa in [1, 2)
  float m;
  std::memcpy(&m, &bits, sizeof m);
  const float big = m > 1.41421356f ? 1.0f : 0.0f;  // fold [√2, 2) down by one octave
  m *= 1.0f - 0.5f * big;
  const float t = (m - 1.0f) / (m + 1.0f);
  const float t2 = t * t;
  const float series = 2.0f * t * (1.0f + t2 * (1.0f / 3 + t2 * (1.0f / 5 + t2 * (1.0f / 7 + t2 * (1.0f / 9)))));
  return (exponent + big) * 0.693147180560f + series;
}

// sin and cos of 2π·u for u in [0, 1): quadrant from 4u, then short Taylor polynomials on
// [−π/4, π/4] (error below 4e-7), written as plain arithmetic so that the loop vectorises. Noise
// draws need nothing more exact.
inline void sincos_2pi(float u, float& s, float& c) {
  const float k = std::nearbyint(4.0f * u);
  const float x = (4.0f * u - k) * 1.57079632679f;
  const float x2 = x * x;
  const float sn = x * (1.0f + x2 * (-1.0f / 6 + x2 * (1.0f / 120 + x2 * (-1.0f / 5040))));
  const float cs = 1.0f + x2 * (-0.5f + x2 * (1.0f / 24 + x2 * (-1.0f / 720 + x2 * (1.0f / 40320))));
  const int q = static_cast<int>(k) & 3;
  s = q == 0 ? sn : q == 1 ? cs : q == 2 ? -sn : -cs;
  c = q == 0 ? cs : q == 1 ? -sn : q == 2 ? -cs : sn;
}

// Kept apart so that the compiler vectorises the generator over consecutive blocks.
void fill_uniforms(const Stream& stream, std::uint64_t first_block, std::size_t pairs, float* u1, float* u2) {
  constexpr float k = 1.0f / 4294967296.0f;
  for (std::size_t p = 0; p < pairs; p += 2) {
    const Block x = stream.bits(first_block + p / 2);
    u1[p] = (static_cast<float>(x[0]) + 0.5f) * k;
    u2[p] = static_cast<float>(x[1]) * k;
    u1[p + 1] = (static_cast<float>(x[2]) + 0.5f) * k;
    u2[p + 1] = static_cast<float>(x[3]) * k;
  }
}

}  // namespace

void Stream::normals_fast(std::uint64_t first, std::size_t n, float* out) const {
  if (n == 0) return;
  if (fixed_) {
    for (std::size_t i = 0; i < n; ++i) out[i] = pattern_ ? pattern_[first + i] : fixed_value_;
    return;
  }
  // In pieces of kPairs Box–Muller pairs (2 per generator block, 4 draws), on the stack: no heap
  // traffic for the millions of short calls the engine makes.
  constexpr std::size_t kPairs = 256;
  float u1[kPairs], u2[kPairs], lanes[2 * kPairs];
  std::uint64_t block = first / 4;
  std::size_t skip = static_cast<std::size_t>(first % 4);  // lanes of the first block before `first`
  std::size_t done = 0;
  while (done < n) {
    const std::size_t want = std::min(n - done + skip, 2 * kPairs);  // lanes this piece yields
    const std::size_t pairs = (want + 3) / 4 * 2;
    fill_uniforms(*this, block, pairs, u1, u2);
    // Lanes per block: (c0, s0, c1, s1).
    for (std::size_t p = 0; p < pairs; ++p) {
      const float r = std::sqrt(-2.0f * log_unit(u1[p]));
      float sn, cs;
      sincos_2pi(u2[p], sn, cs);
      lanes[2 * p] = r * cs;
      lanes[2 * p + 1] = r * sn;
    }
    const std::size_t take = want - skip;
    std::copy(lanes + skip, lanes + skip + take, out + done);
    done += take;
    block += pairs / 2;
    skip = 0;
  }
}

}  // namespace cimsim::rng
