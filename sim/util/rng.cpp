#include "sim/util/rng.hpp"

#include "sim/util/box_muller.hpp"
#include "sim/util/cpu_features.hpp"
#include "sim/util/rng_avx512.hpp"

#include <Eigen/Dense>

#include <cstring>
#if defined(__AVX2__)
#include <immintrin.h>
#endif
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

// Where the blocks of a piece of draws come from: consecutive blocks from `first`, or the indices a
// list holds.
struct ConsecutiveBlocks {
  std::uint64_t first;
  std::uint64_t operator[](std::size_t b) const { return first + b; }
  const std::uint64_t* listed() const { return nullptr; }
};
struct ListedBlocks {
  const std::uint64_t* list;
  std::uint64_t operator[](std::size_t b) const { return list[b]; }
  const std::uint64_t* listed() const { return list; }
};

// The uniforms of `pairs` Box–Muller pairs (two per block) from blocks[0], blocks[1], …: u1 from words
// 0 and 2 (never 0), u2 from words 1 and 3.
template <class Blocks>
void fill_uniforms(const Stream& stream, Blocks blocks, std::size_t pairs, float* u1, float* u2) {
  constexpr float k = 1.0f / 4294967296.0f;
  for (std::size_t p = 0; p < pairs; p += 2) {
    const Block x = stream.bits(blocks[p / 2]);
    u1[p] = (static_cast<float>(x[0]) + 0.5f) * k;
    u2[p] = static_cast<float>(x[1]) * k;
    u1[p + 1] = (static_cast<float>(x[2]) + 0.5f) * k;
    u2[p + 1] = static_cast<float>(x[3]) * k;
  }
}

#if defined(__AVX2__)
// The same with AVX2, kGroups groups of eight blocks at a time, each of the four words of a group in
// a register of its own: compilers leave Philox's 32 × 32 → 64 multiplies scalar (a block took
// about 7 ns on the build machine), where one vector multiply does four of them, and four groups in
// flight hide each round's latency. The words are the same as philox4x32_10's, lane by lane.
//
// Counters of the eight blocks of group g: their indices' low words in c0, high words in c1.
// Consecutive blocks are counted up in registers; listed ones are loaded and their words parted.
inline void counters(ConsecutiveBlocks blocks, std::size_t g, __m256i& c0, __m256i& c1) {
  // The low words, and the high words one more in the lanes whose low word wrapped past 2^32
  // (unsigned comparison: both sides with the sign bit flipped).
  const std::uint64_t index = blocks.first + 8 * static_cast<std::uint64_t>(g);
  const __m256i base = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(index)));
  const __m256i sign = _mm256_set1_epi32(INT32_MIN);
  c0 = _mm256_add_epi32(base, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i wrapped = _mm256_cmpgt_epi32(_mm256_xor_si256(base, sign), _mm256_xor_si256(c0, sign));
  c1 = _mm256_sub_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(index >> 32))),
                        wrapped);  // wrapped lanes hold −1
}
inline void counters(ListedBlocks blocks, std::size_t g, __m256i& c0, __m256i& c1) {
  const __m256i even_odd = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const auto* p = reinterpret_cast<const __m256i*>(blocks.list + 8 * g);
  const __m256i a = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(p), even_odd);      // blocks 0–3
  const __m256i b = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(p + 1), even_odd);  // blocks 4–7
  c0 = _mm256_permute2x128_si256(a, b, 0x20);
  c1 = _mm256_permute2x128_si256(a, b, 0x31);
}

template <int kGroups, class Blocks>
void philox_groups(std::uint64_t stream, std::array<std::uint32_t, 2> key, Blocks blocks, std::size_t group0,
                   float* u1, float* u2) {
  const __m256i m0 = _mm256_set1_epi64x(kPhiloxM0), m1 = _mm256_set1_epi64x(kPhiloxM1);
  const auto word = [](std::uint64_t v) { return _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(v))); };
  // The high and low 32 bits of the products m · w of the eight words of w.
  const auto multiply = [](__m256i w, __m256i m, __m256i& hi, __m256i& lo) {
    const __m256i even = _mm256_mul_epu32(w, m);                        // words 0, 2, 4, 6
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(w, 32), m);  // words 1, 3, 5, 7
    hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  };
  // Unsigned words to floats as a scalar cast rounds them: both halves are exact in a float and
  // their sum is rounded once.
  const auto to_float = [](__m256i w) {
    const __m256 high = _mm256_cvtepi32_ps(_mm256_srli_epi32(w, 16));
    const __m256 low = _mm256_cvtepi32_ps(_mm256_and_si256(w, _mm256_set1_epi32(0xffff)));
    return _mm256_add_ps(_mm256_mul_ps(high, _mm256_set1_ps(65536.0f)), low);
  };
  __m256i c0[kGroups], c1[kGroups], c2[kGroups], c3[kGroups];
  for (int g = 0; g < kGroups; ++g) {
    counters(blocks, group0 + static_cast<std::size_t>(g), c0[g], c1[g]);
    c2[g] = word(stream);
    c3[g] = word(stream >> 32);
  }
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    if (r) {
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
    for (int g = 0; g < kGroups; ++g) {
      __m256i hi0, lo0, hi1, lo1;
      multiply(c0[g], m0, hi0, lo0);
      multiply(c2[g], m1, hi1, lo1);
      c0[g] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[g]), word(k0));
      c1[g] = lo1;
      c2[g] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[g]), word(k1));
      c3[g] = lo0;
    }
  }
  const __m256 unit = _mm256_set1_ps(1.0f / 4294967296.0f), half = _mm256_set1_ps(0.5f);
  for (int g = 0; g < kGroups; ++g) {
    const __m256 f0 = _mm256_mul_ps(_mm256_add_ps(to_float(c0[g]), half), unit);
    const __m256 f1 = _mm256_mul_ps(to_float(c1[g]), unit);
    const __m256 f2 = _mm256_mul_ps(_mm256_add_ps(to_float(c2[g]), half), unit);
    const __m256 f3 = _mm256_mul_ps(to_float(c3[g]), unit);
    // Pair 2b takes words 0 and 1 of block b, pair 2b + 1 words 2 and 3: interleave.
    const __m256 a_lo = _mm256_unpacklo_ps(f0, f2), a_hi = _mm256_unpackhi_ps(f0, f2);
    const __m256 b_lo = _mm256_unpacklo_ps(f1, f3), b_hi = _mm256_unpackhi_ps(f1, f3);
    float* p1 = u1 + 16 * (group0 + static_cast<std::size_t>(g));
    float* p2 = u2 + 16 * (group0 + static_cast<std::size_t>(g));
    _mm256_storeu_ps(p1, _mm256_permute2f128_ps(a_lo, a_hi, 0x20));
    _mm256_storeu_ps(p1 + 8, _mm256_permute2f128_ps(a_lo, a_hi, 0x31));
    _mm256_storeu_ps(p2, _mm256_permute2f128_ps(b_lo, b_hi, 0x20));
    _mm256_storeu_ps(p2 + 8, _mm256_permute2f128_ps(b_lo, b_hi, 0x31));
  }
}

// Fills at least `pairs` pairs, in whole groups of eight blocks: the last group may run past
// `pairs` (the caller's arrays have room for 15 more; those uniforms go unused), which costs less
// than the scalar generator on the few blocks left. The engine's calls are short (a chunk's
// vectors of one readout, often about a hundred), so the last groups matter: they go two or three
// at a time too.
// Listed blocks: the list must hold whole groups (its last group padded with any index).
template <class Blocks>
void fill_uniforms_avx2(std::uint64_t stream, std::array<std::uint32_t, 2> key, Blocks blocks, std::size_t pairs,
                        float* u1, float* u2) {
  const std::size_t groups = (pairs + 15) / 16;
  std::size_t g = 0;
  for (; g + 4 <= groups; g += 4) philox_groups<4>(stream, key, blocks, g, u1, u2);
  switch (groups - g) {
    case 3: philox_groups<3>(stream, key, blocks, g, u1, u2); break;
    case 2: philox_groups<2>(stream, key, blocks, g, u1, u2); break;
    case 1: philox_groups<1>(stream, key, blocks, g, u1, u2); break;
    default: break;
  }
}
#endif

// The uniforms of `pairs` pairs from `blocks`, on the vector generator where the build has it (the
// caller's arrays have room for 31 pairs more, and a list of blocks is padded to whole groups of 16). A
// piece of two blocks or fewer (draws of a few elements) costs less on the scalar generator than a
// group of eight on the vector one.
template <class Blocks>
void uniforms(const Stream& stream, std::uint64_t stream_id, std::array<std::uint32_t, 2> key, Blocks blocks,
              std::size_t pairs, float* u1, float* u2) {
#if defined(__AVX2__)
  // Sixteen blocks a register where the CPU has AVX-512 and the piece fills more than eight.
#ifdef CIMSIM_HAVE_AVX512_KERNELS
  if (pairs > 16 && util::cpu_has_avx512())
    return detail::philox_uniforms_avx512(stream_id, key, blocks.listed(), blocks[0], pairs, u1, u2);
#endif
  if (pairs > 4) return fill_uniforms_avx2(stream_id, key, blocks, pairs, u1, u2);
#else
  (void)stream_id;
  (void)key;
#endif
  fill_uniforms(stream, blocks, pairs, u1, u2);
}

// Box–Muller on `pairs` pairs of uniforms, on AVX-512 where the CPU has it and the piece is long
// enough to fill its registers (the same floats: detail::box_muller_avx512).
void box_muller(const float* u1, const float* u2, std::size_t pairs, float* lanes) {
#ifdef CIMSIM_HAVE_AVX512_KERNELS
  if (pairs > 16 && util::cpu_has_avx512()) return detail::box_muller_avx512(u1, u2, pairs, lanes);
#endif
  detail::box_muller_loop(u1, u2, pairs, lanes);
}

// n floats from src to dst, eight at a time: the draws' copies are short (a readout's vectors), and
// std::copy became `rep movs`, whose start-up cost more than the copy.
inline void copy_floats(const float* src, std::size_t n, float* dst) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) std::memcpy(dst + i, src + i, 8 * sizeof(float));
  for (; i < n; ++i) dst[i] = src[i];
}

// Pieces of this many Box–Muller pairs (2 per generator block, 4 draws) go on the stack: no heap
// traffic for the millions of short calls the engine makes. The uniforms have room for a last whole
// group of blocks (16 on AVX-512).
constexpr std::size_t kPairs = 256;

}  // namespace

void Stream::normals_fast(std::uint64_t first, std::size_t n, float* out) const {
  if (n == 0) return;
  if (fixed_) {
    for (std::size_t i = 0; i < n; ++i) out[i] = pattern_ ? pattern_[first + i] : fixed_value_;
    return;
  }
  float u1[kPairs + 32], u2[kPairs + 32], lanes[2 * kPairs];
  std::uint64_t block = first / 4;
  std::size_t skip = static_cast<std::size_t>(first % 4);  // lanes of the first block before `first`
  std::size_t done = 0;
  while (done < n) {
    const std::size_t want = std::min(n - done + skip, 2 * kPairs);  // lanes this piece yields
    const std::size_t pairs = (want + 3) / 4 * 2;
    uniforms(*this, stream_, key_, ConsecutiveBlocks{block}, pairs, u1, u2);
    box_muller(u1, u2, pairs, lanes);
    const std::size_t take = want - skip;
    copy_floats(lanes + skip, take, out + done);
    done += take;
    block += pairs / 2;
    skip = 0;
  }
}

void Stream::normals_fast(const std::uint64_t* firsts, float* const* outs, std::size_t ranges, std::size_t n) const {
  if (n == 0) return;
  if (fixed_) {
    for (std::size_t i = 0; i < ranges; ++i) normals_fast(firsts[i], n, outs[i]);
    return;
  }
  // Pieces of whole ranges, as many as kPairs pairs hold (a range longer than that goes alone): the
  // blocks of the piece's ranges in a list, one generator pass over the list, then each range's
  // draws copied out from its first element on.
  const std::size_t max_blocks = n / 4 + 2;  // a range's blocks, whatever its first lane
  if (max_blocks > kPairs / 2) {
    for (std::size_t i = 0; i < ranges; ++i) normals_fast(firsts[i], n, outs[i]);
    return;
  }
  const std::size_t per_piece = kPairs / 2 / max_blocks;
  alignas(64) std::uint64_t blocks[kPairs / 2 + 16];  // room to pad the last group of sixteen
  float u1[kPairs + 32], u2[kPairs + 32], lanes[2 * kPairs];
  std::size_t starts[kPairs / 2];  // each range's first lane in `lanes`
  for (std::size_t r0 = 0; r0 < ranges; r0 += per_piece) {
    const std::size_t r1 = std::min(ranges, r0 + per_piece);
    std::size_t b = 0;
    for (std::size_t r = r0; r < r1; ++r) {
      starts[r - r0] = 4 * b + static_cast<std::size_t>(firsts[r] % 4);
      for (std::uint64_t k = firsts[r] / 4, end = (firsts[r] + n - 1) / 4; k <= end; ++k) blocks[b++] = k;
    }
    const std::size_t pairs = 2 * b;
    for (std::size_t pad = b; pad % 16 != 0; ++pad) blocks[pad] = blocks[b - 1];
    uniforms(*this, stream_, key_, ListedBlocks{blocks}, pairs, u1, u2);
    box_muller(u1, u2, pairs, lanes);
    for (std::size_t r = r0; r < r1; ++r) copy_floats(lanes + starts[r - r0], n, outs[r]);
  }
}

}  // namespace cimsim::rng
