#include "sim/util/rng_avx512.hpp"

#include "sim/util/box_muller.hpp"
#include "sim/util/cpu_features.hpp"
#include "sim/util/rng.hpp"

#ifdef CIMSIM_HAVE_AVX512_KERNELS
// GCC 12's AVX-512 intrinsics start their results from a deliberately undefined register
// (_mm512_undefined_*), which its own uninitialised-use warnings then report inside the header.
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif

namespace cimsim::rng::detail {

#ifdef CIMSIM_HAVE_AVX512_KERNELS

namespace {

// The counters of the 16 blocks of group g: their indices' low words in c0, high words in c1.
CIMSIM_TARGET_AVX512 inline void counters(const std::uint64_t* list, std::uint64_t first, std::size_t g,
                                          __m512i& c0, __m512i& c1) {
  if (list) {
    // Each index's two words parted: low words to the lower half of a register, high to the upper.
    const __m512i parted = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    const __m512i a = _mm512_permutexvar_epi32(parted, _mm512_loadu_si512(list + 16 * g));      // blocks 0–7
    const __m512i b = _mm512_permutexvar_epi32(parted, _mm512_loadu_si512(list + 16 * g + 8));  // blocks 8–15
    c0 = _mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(1, 0, 1, 0));
    c1 = _mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(3, 2, 3, 2));
    return;
  }
  // Consecutive: the low words counted up, and the high word one more in the lanes whose low word
  // wrapped past 2^32.
  const std::uint64_t index = first + 16 * static_cast<std::uint64_t>(g);
  const __m512i base = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(index)));
  c0 = _mm512_add_epi32(base, _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  const __mmask16 wrapped = _mm512_cmplt_epu32_mask(c0, base);
  const __m512i high = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(index >> 32)));
  c1 = _mm512_mask_add_epi32(high, wrapped, high, _mm512_set1_epi32(1));
}

// The high and low 32 bits of the products m · w of the sixteen words of w.
CIMSIM_TARGET_AVX512 inline void multiply(__m512i w, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(w, m);                        // words 0, 2, …, 14
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(w, 32), m);  // words 1, 3, …, 15
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

// kGroups groups of 16 blocks from group0 on, in flight together to hide each round's latency.
template <int kGroups>
CIMSIM_TARGET_AVX512 void philox_groups(std::uint64_t stream, std::array<std::uint32_t, 2> key,
                                        const std::uint64_t* list, std::uint64_t first, std::size_t group0, float* u1,
                                        float* u2) {
  const __m512i m0 = _mm512_set1_epi64(kPhiloxM0), m1 = _mm512_set1_epi64(kPhiloxM1);
  const __m512i s0 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(stream)));
  const __m512i s1 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(stream >> 32)));
  __m512i c0[kGroups], c1[kGroups], c2[kGroups], c3[kGroups];
  for (int g = 0; g < kGroups; ++g) {
    counters(list, first, group0 + static_cast<std::size_t>(g), c0[g], c1[g]);
    c2[g] = s0;
    c3[g] = s1;
  }
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    if (r) {
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
    const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0)), key1 = _mm512_set1_epi32(static_cast<int>(k1));
    for (int g = 0; g < kGroups; ++g) {
      __m512i hi0, lo0, hi1, lo1;
      multiply(c0[g], m0, hi0, lo0);
      multiply(c2[g], m1, hi1, lo1);
      c0[g] = _mm512_xor_si512(_mm512_xor_si512(hi1, c1[g]), key0);
      c1[g] = lo1;
      c2[g] = _mm512_xor_si512(_mm512_xor_si512(hi0, c3[g]), key1);
      c3[g] = lo0;
    }
  }
  // Unsigned words to floats rounded once, as a scalar cast rounds them.
  const __m512 unit = _mm512_set1_ps(1.0f / 4294967296.0f), half = _mm512_set1_ps(0.5f);
  // Pair 2b takes words 0 and 1 of block b, pair 2b + 1 words 2 and 3: lanes of two registers
  // interleaved, the first 8 blocks' pairs, then the last 8's.
  const __m512i first_half = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i second_half = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  for (int g = 0; g < kGroups; ++g) {
    const __m512 f0 = _mm512_mul_ps(_mm512_add_ps(_mm512_cvtepu32_ps(c0[g]), half), unit);
    const __m512 f1 = _mm512_mul_ps(_mm512_cvtepu32_ps(c1[g]), unit);
    const __m512 f2 = _mm512_mul_ps(_mm512_add_ps(_mm512_cvtepu32_ps(c2[g]), half), unit);
    const __m512 f3 = _mm512_mul_ps(_mm512_cvtepu32_ps(c3[g]), unit);
    float* p1 = u1 + 32 * (group0 + static_cast<std::size_t>(g));
    float* p2 = u2 + 32 * (group0 + static_cast<std::size_t>(g));
    _mm512_storeu_ps(p1, _mm512_permutex2var_ps(f0, first_half, f2));
    _mm512_storeu_ps(p1 + 16, _mm512_permutex2var_ps(f0, second_half, f2));
    _mm512_storeu_ps(p2, _mm512_permutex2var_ps(f1, first_half, f3));
    _mm512_storeu_ps(p2 + 16, _mm512_permutex2var_ps(f1, second_half, f3));
  }
}

}  // namespace

CIMSIM_TARGET_AVX512 void philox_uniforms_avx512(std::uint64_t stream, std::array<std::uint32_t, 2> key,
                                                 const std::uint64_t* list, std::uint64_t first, std::size_t pairs,
                                                 float* u1, float* u2) {
  const std::size_t groups = (pairs + 31) / 32;
  std::size_t g = 0;
  for (; g + 2 <= groups; g += 2) philox_groups<2>(stream, key, list, first, g, u1, u2);
  if (g < groups) philox_groups<1>(stream, key, list, first, g, u1, u2);
}

CIMSIM_TARGET_AVX512 void box_muller_avx512(const float* u1, const float* u2, std::size_t pairs, float* lanes) {
  box_muller_loop(u1, u2, pairs, lanes);
}

#endif

}  // namespace cimsim::rng::detail
