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
      mapped_(mapped),
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
    // v·0 is 0 for every finite v and NaN otherwise: one sum finds a non-finite value, and the
    // loop vectorises as a test per element would not.
    float m = 0.0f, nan_if_not_finite = 0.0f;
    for (std::int64_t j = 0; j < row_length_; ++j) {
      m = std::max(m, std::fabs(v[j]));
      nan_if_not_finite += v[j] * 0.0f;
    }
    row_abs_max_(o) = m;
    finite_ = finite_ && nan_if_not_finite == 0.0f;
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
  if (mapped_) util::MappedFile::release(bytes_);
  return m;
}

Eigen::MatrixXf FileWeights::row_block(std::int64_t first, std::int64_t count) const {
  if (groups_ != 1) throw std::logic_error("FileWeights::row_block: grouped weights");
  Eigen::MatrixXf m(count, row_length_);
  for (std::int64_t r = 0; r < count; ++r)
    for (std::int64_t j = 0; j < row_length_; ++j) m(r, j) = at((first + r) * row_length_ + j);
  return m;
}

void FileWeights::for_each_row(const std::function<void(std::int64_t, const float*)>& visit) const {
  // Rows are copied out (the bytes need not be aligned for float) and their pages given back a
  // megabyte or so at a time.
  std::vector<float> row(static_cast<std::size_t>(row_length_));
  const std::size_t row_bytes = static_cast<std::size_t>(row_length_) * sizeof(float);
  constexpr std::size_t kReleaseBytes = std::size_t{1} << 20;
  std::size_t unreleased = 0, prefaulted = 0;
  for (std::int64_t o = 0; o < out_; ++o) {
    const std::size_t at = static_cast<std::size_t>(o) * row_bytes;
    if (mapped_ && at + row_bytes > prefaulted) {  // the next stretch mapped in one call
      const std::size_t until = std::min(bytes_.size(), std::max(at + row_bytes, prefaulted + kReleaseBytes));
      util::MappedFile::prefault(bytes_.substr(prefaulted, until - prefaulted));
      prefaulted = until;
    }
    std::memcpy(row.data(), bytes_.data() + at, row_bytes);
    visit(o, row.data());
    if (mapped_ && at + row_bytes - unreleased >= kReleaseBytes) {
      util::MappedFile::release(bytes_.substr(unreleased, at + row_bytes - unreleased));
      unreleased = at + row_bytes;
    }
  }
  if (mapped_) util::MappedFile::release(bytes_.substr(unreleased));
}

}  // namespace cimsim::workload
