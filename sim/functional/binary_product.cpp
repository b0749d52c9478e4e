#include "sim/functional/binary_product.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace cimsim::functional {

void SetRows::assign(const Eigen::Ref<const Eigen::MatrixXf>& u) {
  const Eigen::Index k = u.rows(), n = u.cols();
  begin_.resize(static_cast<std::size_t>(n) + 1);
  rows_.resize(static_cast<std::size_t>(k * n));
  std::uint32_t at = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    begin_[static_cast<std::size_t>(j)] = at;
    const float* col = u.col(j).data();
    // Branch-free: every row is written, and the write position moves on only past a set one.
    for (Eigen::Index i = 0; i < k; ++i) {
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

// Sums, for the columns j0 … j1 − 1 of u, rows c0 … c0 + 4·kLanes − 1 (kRegs 4) or c0 … c0 + kLanes − 1
// (kRegs 1) of the product from the packed block of those rows of `a` (the block's rows of column i
// of `a` at block + i·kRegs·kLanes), into column j − j0 of `tile` (kRegs·kLanes floats per column).
// The accumulators are named, not an array, so that they live in registers whatever the optimiser
// unrolls.
template <int kRegs>
void sum_block(const float* block, const SetRows& set, Eigen::Index j0, Eigen::Index j1, float* tile) {
  static_assert(kRegs == 1 || kRegs == 4);
  constexpr Eigen::Index kBlock = kRegs * kLanes;
  for (Eigen::Index j = j0; j < j1; ++j) {
    std::uint32_t count;
    const std::uint32_t* rows = set.rows_of(j, count);
    float* out = tile + (j - j0) * kBlock;
    Lanes s0{}, s1{}, s2{}, s3{};
    for (std::uint32_t r = 0; r < count; ++r) {
      const float* p = block + static_cast<Eigen::Index>(rows[r]) * kBlock;
      s0 += load(p);
      if constexpr (kRegs == 4) {
        s1 += load(p + kLanes);
        s2 += load(p + 2 * kLanes);
        s3 += load(p + 3 * kLanes);
      }
    }
    store(out, s0);
    if constexpr (kRegs == 4) {
      store(out + kLanes, s1);
      store(out + 2 * kLanes, s2);
      store(out + 3 * kLanes, s3);
    }
  }
}

}  // namespace

void binary_product(const Eigen::Ref<const Eigen::MatrixXf>& a, const SetRows& set, Eigen::Map<Eigen::MatrixXf>& dst) {
  const Eigen::Index m = a.rows(), k = a.cols(), n = set.cols();
  // `a` in blocks of 32 rows (then 8), each block's rows of every column one after the other:
  // a's columns lie a power of two apart in memory, so read in place they would share a few
  // cache sets and evict each other. A block at most 128 columns wide (an array's rows) is 16 KB.
  constexpr Eigen::Index kWide = 4 * kLanes;
  const Eigen::Index wide_end = m / kWide * kWide, narrow_end = m / kLanes * kLanes;
  thread_local std::vector<float> packed_storage;
  packed_storage.resize(static_cast<std::size_t>(narrow_end * k));
  float* const packed_data = packed_storage.data();  // once: a thread_local costs a call per use
  // Block copies of a size known at compile time, whole registers at a time.
  const auto pack = [&](auto height, Eigen::Index c0) {
    constexpr Eigen::Index h = decltype(height)::value;
    float* out = packed_data + c0 * k;
    for (Eigen::Index i = 0; i < k; ++i) {
      const float* in = a.col(i).data() + c0;
      for (Eigen::Index r = 0; r < h; r += kLanes) store(out + i * h + r, load(in + r));
    }
  };
  Eigen::Index c0 = 0;
  for (; c0 < wide_end; c0 += kWide) pack(std::integral_constant<Eigen::Index, kWide>{}, c0);
  for (; c0 < narrow_end; c0 += kLanes) pack(std::integral_constant<Eigen::Index, kLanes>{}, c0);
  // Columns of u a group at a time, every block of rows for each group: each block's sums go to a
  // tile in L1, which is turned into its place in dst (vectors down, readouts across) while hot.
  constexpr Eigen::Index kGroup = 32;
  Eigen::Matrix<float, kWide, kGroup> tile;
  for (Eigen::Index j0 = 0; j0 < n; j0 += kGroup) {
    const Eigen::Index j1 = std::min(n, j0 + kGroup), width = j1 - j0;
    c0 = 0;
    for (; c0 < wide_end; c0 += kWide) {
      sum_block<4>(packed_data + c0 * k, set, j0, j1, tile.data());
      if (width == kGroup) dst.block<kGroup, kWide>(j0, c0) = tile.transpose();
      else dst.block(j0, c0, width, kWide) = tile.leftCols(width).transpose();
    }
    for (; c0 < narrow_end; c0 += kLanes) {
      sum_block<1>(packed_data + c0 * k, set, j0, j1, tile.data());
      const Eigen::Map<const Eigen::MatrixXf> narrow(tile.data(), kLanes, width);
      dst.block(j0, c0, width, kLanes) = narrow.transpose();
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

}  // namespace cimsim::functional
