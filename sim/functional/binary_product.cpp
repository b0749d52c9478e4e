#include "sim/functional/binary_product.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "sim/util/cache_line.hpp"
#include "sim/util/cpu_features.hpp"

#ifdef __AVX__
#include <immintrin.h>
#endif

namespace cimsim::functional {

#ifdef __AVX2__
namespace {

// For each pattern of 8 set flags, the positions of the set ones in increasing order (the rest 0).
struct SetPositions {
  std::uint8_t of[256][8];
};
constexpr SetPositions set_positions() {
  SetPositions t{};
  for (int mask = 0; mask < 256; ++mask) {
    int n = 0;
    for (int b = 0; b < 8; ++b)
      if ((mask >> b) & 1) t.of[mask][n++] = static_cast<std::uint8_t>(b);
  }
  return t;
}
constexpr SetPositions kSetPositions = set_positions();

}  // namespace
#endif

void SetRows::assign(const Eigen::Ref<const Eigen::MatrixXf>& u) {
  const Eigen::Index k = u.rows(), n = u.cols();
  begin_.resize(static_cast<std::size_t>(n) + 1);
  rows_.resize(static_cast<std::size_t>(k * n) + 8);  // eight rows' positions are written at a time
  std::uint32_t at = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    begin_[static_cast<std::size_t>(j)] = at;
    const float* col = u.col(j).data();
    Eigen::Index i = 0;
#ifdef __AVX2__
    // Eight rows at a time, without a branch on the digits: which of them are set, as a byte; the
    // table's positions for that byte, offset by the first row, written whole; the write position
    // moves on by the number set.
    for (; i + 8 <= k; i += 8) {
      const int mask = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(col + i), _mm256_setzero_ps(), _CMP_NEQ_UQ));
      const __m128i positions = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kSetPositions.of[mask]));
      const __m256i rows = _mm256_add_epi32(_mm256_cvtepu8_epi32(positions), _mm256_set1_epi32(static_cast<int>(i)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(rows_.data() + at), rows);
      at += static_cast<std::uint32_t>(__builtin_popcount(static_cast<unsigned>(mask)));
    }
#endif
    // Branch-free: every row is written, and the write position moves on only past a set one.
    for (; i < k; ++i) {
      rows_[at] = static_cast<std::uint32_t>(i);
      at += col[i] != 0.0f ? 1u : 0u;
    }
  }
  begin_[static_cast<std::size_t>(n)] = at;
}

namespace {

// Eight floats, one AVX register where the target has them; the compiler splits it elsewhere.
typedef float Lanes __attribute__((vector_size(32)));
constexpr Eigen::Index kLanes = 8;

inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, const Lanes& v) { std::memcpy(p, &v, sizeof v); }

// s += the vector of floats at p; out = s. By reference: a vector wider than the build's registers
// passed by value would change the calling convention.
template <class V>
[[gnu::always_inline]] inline void add_from(V& s, const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  s += v;
}
template <class V>
[[gnu::always_inline]] inline void put(float* out, const V& s) {
  std::memcpy(out, &s, sizeof s);
}

// Sums, for the columns j0 … j1 − 1 of u, the kRegs·L rows (L the floats of a V) of the product from
// the packed block of those rows of `a` (the block's rows of column i of `a` at block + i·kRegs·L),
// into column j − j0 of `tile` (kRegs·L floats per column). The accumulators are named, not an
// array, so that they live in registers whatever the optimiser unrolls. Always inlined: the AVX-512
// kernel below is this loop with 16-float vectors, compiled inside a function built for AVX-512.
template <class V, int kRegs>
[[gnu::always_inline]] inline void sum_rows(const float* block, const SetRows& set, Eigen::Index j0, Eigen::Index j1,
                                            float* tile) {
  static_assert(kRegs == 1 || kRegs == 4);
  constexpr Eigen::Index kStep = sizeof(V) / sizeof(float), kBlock = kRegs * kStep;
  for (Eigen::Index j = j0; j < j1; ++j) {
    std::uint32_t count;
    const std::uint32_t* rows = set.rows_of(j, count);
    float* out = tile + (j - j0) * kBlock;
    V s0{}, s1{}, s2{}, s3{};
    for (std::uint32_t r = 0; r < count; ++r) {
      const float* p = block + static_cast<Eigen::Index>(rows[r]) * kBlock;
      add_from(s0, p);
      if constexpr (kRegs == 4) {
        add_from(s1, p + kStep);
        add_from(s2, p + 2 * kStep);
        add_from(s3, p + 3 * kStep);
      }
    }
    put(out, s0);
    if constexpr (kRegs == 4) {
      put(out + kStep, s1);
      put(out + 2 * kStep, s2);
      put(out + 3 * kStep, s3);
    }
  }
}

// Blocks of 4·kLanes readouts (kRegs 4) or kLanes (kRegs 1) in 8-lane vectors.
template <int kRegs>
void sum_block(const float* block, const SetRows& set, Eigen::Index j0, Eigen::Index j1, float* tile) {
  sum_rows<Lanes, kRegs>(block, set, j0, j1, tile);
}

#ifdef __AVX__
// dst(j0 + j, c0 + r) = tile(r, j) for a whole 32 × 32 tile (readouts down, vectors across, column-
// major, columns `tile_ld` apart), in 8 × 8 pieces turned in registers. Eigen's turned copy of the
// tile gathered it a float at a time.
void turn_tile(const float* tile, Eigen::Index tile_ld, float* dst, Eigen::Index ld, Eigen::Index j0, Eigen::Index c0) {
  for (int rb = 0; rb < 32; rb += 8)
    for (int jb = 0; jb < 32; jb += 8) {
      __m256 r[8], t[8];
      for (int q = 0; q < 8; ++q) r[q] = _mm256_loadu_ps(tile + (jb + q) * tile_ld + rb);
      for (int q = 0; q < 8; q += 2) {
        t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
        t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
      }
      for (int h = 0; h < 8; h += 4) {
        r[h] = _mm256_shuffle_ps(t[h], t[h + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[h + 1] = _mm256_shuffle_ps(t[h], t[h + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[h + 2] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[h + 3] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(3, 2, 3, 2));
      }
      float* out = dst + (c0 + rb) * ld + j0 + jb;
      for (int q = 0; q < 4; ++q) {
        _mm256_storeu_ps(out + q * ld, _mm256_permute2f128_ps(r[q], r[q + 4], 0x20));
        _mm256_storeu_ps(out + (q + 4) * ld, _mm256_permute2f128_ps(r[q], r[q + 4], 0x31));
      }
    }
}
#endif

#ifdef CIMSIM_HAVE_AVX512_KERNELS
// Blocks of 64 readouts in four 16-lane vectors, on AVX-512 where the CPU has it (chosen at run time,
// the build stays portable). Each lane adds the same terms in the same order as sum_block's, so the
// sums are the same floats bit for bit. The 8-lane kernel is bound by its loads (32 bytes each); a
// CPU with 512-bit load ports moves twice the bytes per load: 0.67–0.69 of the time at the engine's
// chunk sizes (docs/performance.md).
typedef float WideLanes __attribute__((vector_size(64)));
CIMSIM_TARGET_AVX512 void sum_block_avx512(const float* block, const SetRows& set, Eigen::Index j0, Eigen::Index j1,
                                           float* tile) {
  sum_rows<WideLanes, 4>(block, set, j0, j1, tile);
}
#endif

// binary_product with the readouts in blocks of kTop (32, or 64 for sum_top's wider kernel), then
// of 32 and of 8, and the last few one at a time.
template <Eigen::Index kTop, class SumTop>
void product_in_blocks(const Eigen::Ref<const Eigen::MatrixXf>& a, const SetRows& set, Eigen::Map<Eigen::MatrixXf>& dst,
                       SumTop sum_top) {
  const Eigen::Index m = a.rows(), k = a.cols(), n = set.cols();
  // `a` in blocks of rows, each block's rows of every column one after the other: a's columns lie a
  // power of two apart in memory, so read in place they would share a few cache sets and evict each
  // other. A block of 32 rows at most 128 columns wide (an array's rows) is 16 KB.
  constexpr Eigen::Index kWide = 4 * kLanes;
  const Eigen::Index top_end = m / kTop * kTop, wide_end = top_end + (m - top_end) / kWide * kWide,
                     narrow_end = m / kLanes * kLanes;
  thread_local util::CacheLineVector<float> packed_storage;  // its blocks' rows on whole cache lines
  packed_storage.resize(static_cast<std::size_t>(narrow_end * k));
  float* const packed_data = packed_storage.data();  // once: a thread_local costs a call per use
  // Each column of `a` read once from start to end (read block by block, the columns' power-of-two
  // spacing made every block's reads miss), its pieces copied whole registers at a time.
  const auto copy = [](auto height, const float* in, float* out) {
    constexpr Eigen::Index h = decltype(height)::value;
    for (Eigen::Index r = 0; r < h; r += kLanes) store(out + r, load(in + r));
  };
  for (Eigen::Index i = 0; i < k; ++i) {
    const float* in = a.col(i).data();
    Eigen::Index c = 0;
    for (; c < top_end; c += kTop) copy(std::integral_constant<Eigen::Index, kTop>{}, in + c, packed_data + c * k + i * kTop);
    for (; c < wide_end; c += kWide) copy(std::integral_constant<Eigen::Index, kWide>{}, in + c, packed_data + c * k + i * kWide);
    for (; c < narrow_end; c += kLanes) copy(std::integral_constant<Eigen::Index, kLanes>{}, in + c, packed_data + c * k + i * kLanes);
  }
  // Columns of u a group at a time, every block of rows for each group: each block's sums go to a
  // tile in L1 (a block's readouts down, `height` floats a column), which is turned into its place in
  // dst (vectors down, readouts across) while hot.
  constexpr Eigen::Index kGroup = 32;
  alignas(64) float tile[kTop * kGroup];
  const auto place = [&](Eigen::Index height, Eigen::Index j0, Eigen::Index width, Eigen::Index c0) {
#ifdef __AVX__
    if (width == kGroup && height % kWide == 0) {
      for (Eigen::Index h = 0; h < height; h += kWide) turn_tile(tile + h, height, dst.data(), dst.rows(), j0, c0 + h);
      return;
    }
#endif
    dst.block(j0, c0, width, height) = Eigen::Map<const Eigen::MatrixXf>(tile, height, width).transpose();
  };
  for (Eigen::Index j0 = 0; j0 < n; j0 += kGroup) {
    const Eigen::Index j1 = std::min(n, j0 + kGroup), width = j1 - j0;
    Eigen::Index c0 = 0;
    for (; c0 < top_end; c0 += kTop) {
      sum_top(packed_data + c0 * k, set, j0, j1, tile);
      place(kTop, j0, width, c0);
    }
    for (; c0 < wide_end; c0 += kWide) {
      sum_block<4>(packed_data + c0 * k, set, j0, j1, tile);
      place(kWide, j0, width, c0);
    }
    for (; c0 < narrow_end; c0 += kLanes) {
      sum_block<1>(packed_data + c0 * k, set, j0, j1, tile);
      place(kLanes, j0, width, c0);
    }
    // The last rows, fewer than a register's lanes: one at a time.
    for (Eigen::Index c = narrow_end; c < m; ++c)
      for (Eigen::Index j = j0; j < j1; ++j) {
        std::uint32_t count;
        const std::uint32_t* rows = set.rows_of(j, count);
        float s = 0.0f;
        for (std::uint32_t r = 0; r < count; ++r) s += a(c, static_cast<Eigen::Index>(rows[r]));
        dst(j, c) = s;
      }
  }
}

}  // namespace

void binary_product(const Eigen::Ref<const Eigen::MatrixXf>& a, const SetRows& set, Eigen::Map<Eigen::MatrixXf>& dst,
                    SumKernel kernel) {
#ifdef CIMSIM_HAVE_AVX512_KERNELS
  if (kernel == SumKernel::widest && util::cpu_has_avx512()) return product_in_blocks<64>(a, set, dst, sum_block_avx512);
#else
  (void)kernel;
#endif
  product_in_blocks<4 * kLanes>(a, set, dst, sum_block<4>);
}

}  // namespace cimsim::functional
