#include "sim/workload/file_weights.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "sim/util/mapped_file.hpp"
#include "sim/workload/conv_lowering.hpp"

namespace cimsim::workload {

FileWeights::FileWeights(std::shared_ptr<const void> owner, std::string_view bytes, bool mapped, int out, int in,
                         int kh, int kw, int groups)
    : owner_(std::move(owner)),
      bytes_(bytes),
      file_(mapped ? static_cast<const util::MappedFile*>(owner_.get()) : nullptr),
      out_(out),
      in_(in),
      kh_(kh),
      kw_(kw),
      groups_(groups),
      kernel_(static_cast<std::int64_t>(kh) * kw),
      row_length_(static_cast<std::int64_t>(in / groups) * kh * kw),
      out_per_group_(out / groups) {
  row_abs_max_.resize(out_);
  for_each_row([&](std::int64_t o, const float* v) {
    if (row_length_ == 0) {
      row_abs_max_(o) = 0.0f;
      return;
    }
    // v·0 is 0 for every finite v and NaN otherwise: one sum finds a non-finite value. Eigen's
    // reductions vectorise; a plain loop's float max and sum do not (they would reassociate).
    const Eigen::Map<const Eigen::ArrayXf> row(v, row_length_);
    row_abs_max_(o) = row.abs().maxCoeff();
    finite_ = finite_ && (row * 0.0f).sum() == 0.0f;
  });
}

float FileWeights::at(std::int64_t k) const {
  float v;
  std::memcpy(&v, bytes_.data() + k * static_cast<std::int64_t>(sizeof(float)), sizeof(float));
  return v;
}

Eigen::MatrixXf FileWeights::matrix() const {
  const Eigen::MatrixXf m =
      lower_conv_weights<float>([&](std::int64_t k) { return at(k); }, out_, in_, kh_, kw_, groups_);
  if (file_) util::MappedFile::release(bytes_);
  return m;
}

Eigen::MatrixXf FileWeights::row_block(std::int64_t first, std::int64_t count) const {
  if (groups_ != 1) throw std::logic_error("FileWeights::row_block: grouped weights");
  // Row-major as stored: copied out whole, then turned.
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> stored(count, row_length_);
  copy_values(first * row_length_, count * row_length_, stored.data());
  return stored;
}

void FileWeights::for_each_row(const std::function<void(std::int64_t, const float*)>& visit) const {
  // A megabyte or so of rows at a time, copied out (the bytes need not be aligned for float).
  constexpr std::int64_t kChunkBytes = std::int64_t{1} << 20;
  const std::int64_t per_chunk =
      std::max<std::int64_t>(1, kChunkBytes / std::max<std::int64_t>(1, row_length_ * static_cast<std::int64_t>(sizeof(float))));
  std::vector<float> rows(static_cast<std::size_t>(std::min<std::int64_t>(per_chunk, out_) * row_length_));
  for (std::int64_t o0 = 0; o0 < out_; o0 += per_chunk) {
    const std::int64_t n = std::min(per_chunk, out_ - o0);
    copy_values(o0 * row_length_, n * row_length_, rows.data());
    for (std::int64_t r = 0; r < n; ++r) visit(o0 + r, rows.data() + r * row_length_);
  }
}

void FileWeights::copy_values(std::int64_t first, std::int64_t count, float* dest) const {
  const std::string_view part = bytes_.substr(static_cast<std::size_t>(first) * sizeof(float),
                                              static_cast<std::size_t>(count) * sizeof(float));
  if (file_) file_->copy(part, dest);
  else std::memcpy(dest, part.data(), part.size());
}

}  // namespace cimsim::workload
