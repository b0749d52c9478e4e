// Weight quantization of a matrix layer (weight_quantizer.hpp), and codes_nonzero(): the one
// rounding of a weight to its code serves both, so that a code the mapper skips as zero is zero.

#include "sim/workload/weight_quantizer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/util/rounding.hpp"
#include "sim/workload/file_weights.hpp"
#include "sim/workload/quantize_options.hpp"

namespace cimsim::workload {

namespace {

// Binary weights: the sign, zero counting as +1, scaled by the mean magnitude (per channel or per
// tensor), as XNOR-Net does (Rastegari et al., ECCV 2016).
void binarize_weights(QuantLayer& ql, const Eigen::MatrixXf& weight, bool per_channel) {
  const Eigen::VectorXf row_mean = weight.cwiseAbs().rowwise().mean();
  const double tensor_mean = weight.cwiseAbs().mean();
  ql.w_scale.resize(weight.rows());
  ql.w = WeightCodes::zeros(weight.rows(), weight.cols(), 1);
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> signs(weight.cols());
  for (Eigen::Index o = 0; o < weight.rows(); ++o) {
    const double m = per_channel ? row_mean(o) : tensor_mean;
    ql.w_scale(o) = m > 0 ? m : 1.0;
    for (Eigen::Index i = 0; i < weight.cols(); ++i) signs(i) = weight(o, i) < 0 ? -1 : 1;
    ql.w.set_row(o, 0, signs.data(), weight.cols());
  }
}

// A weight's code before clamping: round half away from zero (docs/design.md §4). The one
// expression for the codes, the bits of weights left in the file and codes_nonzero().
inline double rounded_code(float w, double scale) { return util::round_half_away(w / scale); }
// The code itself, clamped to ±wmax.
inline std::int32_t weight_code(float w, double scale, int wmax) {
  return static_cast<std::int32_t>(std::clamp<double>(rounded_code(w, scale), -wmax, wmax));
}

// Per-output scales m / wmax from the largest magnitudes of the rows.
void set_weight_scales(QuantLayer& ql, const Eigen::VectorXf& row_max, bool per_channel) {
  const int wmax = ql.weight_max();
  const double tensor_max = row_max.size() > 0 ? row_max.maxCoeff() : 0.0f;
  ql.w_scale.resize(row_max.size());
  for (Eigen::Index o = 0; o < row_max.size(); ++o) {
    double m = per_channel ? row_max(o) : tensor_max;
    if (m <= 0) m = 1.0;  // an all-zero row stays zero at any scale
    ql.w_scale(o) = m / wmax;
  }
}

// The smallest float magnitude whose code at `scale` is not zero: rounded_code(w, scale) ≠ 0
// exactly when |w| / scale ≥ 0.5 in double arithmetic, which grows with |w|; so a comparison per
// weight replaces a division, with the same outcome for every float.
float least_nonzero_magnitude(double scale) {
  const auto nonzero = [&](float a) { return rounded_code(a, scale) != 0; };
  float a = static_cast<float>(std::min(0.5 * scale, static_cast<double>(std::numeric_limits<float>::max())));
  while (a > 0.0f && nonzero(std::nextafter(a, 0.0f))) a = std::nextafter(a, 0.0f);
  while (!nonzero(a) && a < std::numeric_limits<float>::infinity())
    a = std::nextafter(a, std::numeric_limits<float>::infinity());
  return a;
}

// Sets bit first + j of `bits` for every |v[j]| ≥ least, j < n: 32 comparisons to a word, a loop
// that vectorises (VGG-16 has 138 M weights), then shifted into place.
void set_nonzero_bits(std::vector<std::uint64_t>& bits, std::int64_t first, const float* v, std::int64_t n,
                      float least) {
  std::int64_t j = 0;
  for (; j + 32 <= n; j += 32) {
    std::uint32_t word = 0;
    for (int k = 0; k < 32; ++k) word |= std::uint32_t{std::fabs(v[j + k]) >= least} << k;
    if (word == 0) continue;
    const std::int64_t at = first + j;
    const int shift = static_cast<int>(at & 63);
    bits[static_cast<std::size_t>(at >> 6)] |= std::uint64_t{word} << shift;
    if (shift > 32) bits[static_cast<std::size_t>(at >> 6) + 1] |= std::uint64_t{word} >> (64 - shift);
  }
  for (; j < n; ++j)
    if (std::fabs(v[j]) >= least) bits[static_cast<std::size_t>((first + j) >> 6)] |= std::uint64_t{1} << ((first + j) & 63);
}

// Weights left in the model file, without codes: the scales from the rows' ranges, and one bit
// per weight for codes_nonzero(), from one pass over the file.
void scale_file_weights(QuantLayer& ql, const FileWeights& fw, bool per_channel) {
  set_weight_scales(ql, fw.row_abs_max(), per_channel);
  const std::int64_t cols = fw.cols();
  ql.nonzero_bits.assign(static_cast<std::size_t>((fw.rows() * cols + 63) / 64), 0);
  fw.for_each_row([&](std::int64_t o, const float* v) {
    set_nonzero_bits(ql.nonzero_bits, o * cols + fw.first_column(o), v, fw.row_length(),
                     least_nonzero_magnitude(ql.w_scale(o)));
  });
}

// Weights left in the model file, with codes: the scales from the rows' ranges, the codes row by
// row from the file, never the layer's whole float matrix (VGG-16's first dense layer is 411 MB).
void code_file_weights(QuantLayer& ql, const FileWeights& fw, bool per_channel) {
  set_weight_scales(ql, fw.row_abs_max(), per_channel);
  const int wmax = ql.weight_max();
  ql.w = WeightCodes::zeros(fw.rows(), fw.cols(), wmax);
  std::vector<std::int32_t> row(static_cast<std::size_t>(fw.row_length()));
  fw.for_each_row([&](std::int64_t o, const float* v) {
    const double scale = ql.w_scale(o);
    for (std::int64_t j = 0; j < fw.row_length(); ++j) row[static_cast<std::size_t>(j)] = weight_code(v[j], scale, wmax);
    ql.w.set_row(o, fw.first_column(o), row.data(), fw.row_length());
  });
}

}  // namespace

// Symmetric weights; the codes only when `codes` (QuantizeOptions::weight_codes).
void quantize_weights(QuantLayer& ql, const Layer& layer, bool per_channel, bool codes) {
  if (layer.file_weights && ql.weight_bits > 1) {
    if (codes) code_file_weights(ql, *layer.file_weights, per_channel);
    else scale_file_weights(ql, *layer.file_weights, per_channel);
    return;
  }
  Eigen::MatrixXf scratch;
  const Eigen::MatrixXf& weight = weights_of(layer, scratch);
  if (ql.weight_bits == 1) {
    binarize_weights(ql, weight, per_channel);
    if (!codes) ql.w = WeightCodes();
    return;
  }
  const int wmax = ql.weight_max();
  set_weight_scales(ql, weight.cwiseAbs().rowwise().maxCoeff(), per_channel);
  if (!codes) return;
  ql.w = WeightCodes::zeros(weight.rows(), weight.cols(), wmax);
  // Down the columns: the matrices are column-major. round_half_away, not std::round (a library
  // call per weight), so that the loop vectorises: VGG-16 has 138 M weights.
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> column(weight.rows());
  for (Eigen::Index i = 0; i < weight.cols(); ++i) {
    for (Eigen::Index o = 0; o < weight.rows(); ++o) column(o) = weight_code(weight(o, i), ql.w_scale(o), wmax);
    ql.w.set_col(i, column);
  }
}

// A QDQ model's integer weights, kept as they are, at the narrowest width whose symmetric range
// ±(2^(wb−1)−1) holds them (at least 2 bits): codes within ±7 map as 4-bit weights, an int8 code
// of −128 as a 9-bit weight (its magnitude needs 8 bits).
void take_weight_codes(QuantLayer& ql, const Layer& layer) {
  const std::int64_t largest = layer.weight_codes.magnitude();
  int bits = 2;
  while ((std::int64_t{1} << (bits - 1)) - 1 < largest) ++bits;
  ql.weight_bits = bits;
  ql.w = layer.weight_codes;
  ql.w_scale = layer.weight_code_scale;
}

bool codes_nonzero(const QuantLayer& q, const Layer& layer, int row_begin, int rows, int out_begin, int outs) {
  if (!codes_omitted(q)) return q.w.any_nonzero(out_begin, row_begin, outs, rows);
  if (q.weight_bits == 1) return true;  // binary codes are ±1
  if (!q.nonzero_bits.empty()) {
    const std::int64_t cols = layer.in_features();
    for (std::int64_t o = out_begin; o < out_begin + outs; ++o)
      for (std::int64_t b = o * cols + row_begin, end = b + rows; b < end;) {
        const std::int64_t word = b >> 6, lo = b & 63, n = std::min<std::int64_t>(64 - lo, end - b);
        const std::uint64_t mask = (n == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1)) << lo;
        if ((q.nonzero_bits[static_cast<std::size_t>(word)] & mask) != 0) return true;
        b += n;
      }
    return false;
  }
  for (int i = row_begin; i < row_begin + rows; ++i)
    for (int o = out_begin; o < out_begin + outs; ++o)
      if (rounded_code(layer.weight(o, i), q.w_scale(o)) != 0) return true;
  return false;
}

}  // namespace cimsim::workload
