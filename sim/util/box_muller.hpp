#pragma once
// Box–Muller in single precision with a log, sine and cosine written as plain arithmetic, so that
// its loop vectorises (internal to rng.cpp and rng_avx512.cpp, which compiles the same loop for
// AVX-512): both copies must give the same floats, which tests/test_rng.cpp checks by comparing
// long draws, which take the AVX-512 copy where the CPU has it, with draws of one element.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace cimsim::rng::detail {

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
  // Quadrant q: (sin, cos) is (sn, cs), (cs, −sn), (−sn, −cs), (−cs, sn) for q = 0 … 3. An odd
  // quadrant swaps the two; sin is negative in quadrants 2 and 3 (bit 1 of q), cos in 1 and 2 (bit
  // 1 of q + 1). Negation is a flip of the sign bit, so the values are those of the chain of selects
  // this replaced, which made Box–Muller about a quarter slower (docs/performance.md).
  const auto q = static_cast<std::uint32_t>(static_cast<int>(k));
  const bool odd = (q & 1u) != 0;
  const float base_s = odd ? cs : sn, base_c = odd ? sn : cs;
  std::uint32_t bits_s, bits_c;
  std::memcpy(&bits_s, &base_s, sizeof bits_s);
  std::memcpy(&bits_c, &base_c, sizeof bits_c);
  bits_s ^= (q & 2u) << 30;
  bits_c ^= ((q + 1u) & 2u) << 30;
  std::memcpy(&s, &bits_s, sizeof s);
  std::memcpy(&c, &bits_c, sizeof c);
}

// Box–Muller on `pairs` pairs of uniforms; lanes per block: (c0, s0, c1, s1).
inline void box_muller_loop(const float* u1, const float* u2, std::size_t pairs, float* lanes) {
  for (std::size_t p = 0; p < pairs; ++p) {
    const float r = std::sqrt(-2.0f * log_unit(u1[p]));
    float sn, cs;
    sincos_2pi(u2[p], sn, cs);
    lanes[2 * p] = r * cs;
    lanes[2 * p + 1] = r * sn;
  }
}

}  // namespace cimsim::rng::detail
