#pragma once
// A convolution's weights (out, in/groups, kh, kw), read element by element in C order through
// `weight(k)`, lowered to the out × (in·kh·kw) matrix the arrays hold: block diagonal over the
// groups. A template so that each source (doubles, float32 bytes of a model file, integer codes)
// is read as it is stored, without a converted copy first.

#include <Eigen/Dense>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cimsim::workload {

template <class Scalar, class Weight>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> lower_conv_weights(const Weight& weight, int out, int in, int kh,
                                                                         int kw, int groups) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const int in_per_group = in / groups, out_per_group = out / groups;
  const std::int64_t per_out = static_cast<std::int64_t>(in_per_group) * kh * kw;
  // Every element is written when there is one group; the zeros off the diagonal otherwise.
  Matrix m = groups == 1 ? Matrix(out, static_cast<Eigen::Index>(in) * kh * kw)
                         : Matrix::Zero(out, static_cast<Eigen::Index>(in) * kh * kw);
  // In tiles: the source runs along a row, the matrix is column-major, and a tile keeps the
  // lines it reads and writes in cache (and their pages in the TLB: a row of ResNet-50's larger
  // convolutions spans 18 KB).
  constexpr std::int64_t kTile = 32;
  // The first column of each output's group, computed once (a division per element cost more
  // than the copy).
  std::vector<std::int64_t> first(static_cast<std::size_t>(out));
  for (int o = 0; o < out; ++o) first[static_cast<std::size_t>(o)] = static_cast<std::int64_t>(o / out_per_group) * per_out;
  for (std::int64_t j0 = 0; j0 < per_out; j0 += kTile) {
    const std::int64_t j1 = std::min(per_out, j0 + kTile);
    for (int o0 = 0; o0 < out; o0 += static_cast<int>(kTile)) {
      const int o1 = std::min(out, o0 + static_cast<int>(kTile));
      for (std::int64_t j = j0; j < j1; ++j)
        for (int o = o0; o < o1; ++o)
          m(o, static_cast<Eigen::Index>(first[static_cast<std::size_t>(o)] + j)) =
              static_cast<Scalar>(weight(o * per_out + j));
    }
  }
  return m;
}

}  // namespace cimsim::workload
