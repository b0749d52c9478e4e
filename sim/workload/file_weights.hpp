#pragma once
// A matrix layer's float weights left where they lie in the model file (or, for a grouped
// convolution's small tensor already converted, a float32 copy of them in the same layout). An estimate that neither
// programs cells nor prices writes needs of the weights only their per-output ranges (the scales)
// and which blocks quantize to all zeros; reading those from the file spares the matrix itself
// (VGG-16's is 553 MB). The loader keeps weights this way when asked (LoadOptions) and builds
// Layer::weight otherwise.
//
// Stored as a convolution's weights are, [out, in/groups, kh, kw] in C order, float32
// little-endian; a dense layer whose rows are its outputs is the case in = per-row length, one
// group, a 1 × 1 kernel. Row o of the layer's matrix holds the stored row o (in/groups · kh · kw
// values) from column first_column(o); its other columns are zero.

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace cimsim::util {
class MappedFile;
}

namespace cimsim::workload {

class FileWeights {
 public:
  // `bytes` lie in memory kept alive by `owner`; `mapped`: they lie in a util::MappedFile, whose
  // pages are given back once read. Reads every value once: nothing is kept but each row's
  // largest magnitude; `finite()` says whether every value was finite.
  FileWeights(std::shared_ptr<const void> owner, std::string_view bytes, bool mapped, int out, int in, int kh, int kw,
              int groups);

  std::int64_t rows() const { return out_; }
  std::int64_t cols() const { return static_cast<std::int64_t>(in_) * kernel_; }
  std::int64_t row_length() const { return row_length_; }
  std::int64_t first_column(std::int64_t o) const { return (o / out_per_group_) * row_length_; }
  bool finite() const { return finite_; }
  // max_i |W(o, i)| per row: what Eigen's cwiseAbs().rowwise().maxCoeff() gives on matrix().
  const Eigen::VectorXf& row_abs_max() const { return row_abs_max_; }

  // The layer's matrix, as the loader would have built it.
  Eigen::MatrixXf matrix() const;
  // Rows [first, first + count) of the matrix, every column (one group only).
  Eigen::MatrixXf row_block(std::int64_t first, std::int64_t count) const;
  // Calls `visit(o, values)` for every row in order, `values` its row_length() stored values;
  // mapped pages are given back as the rows are passed.
  void for_each_row(const std::function<void(std::int64_t o, const float* values)>& visit) const;

 private:
  // Stored value k (C order); the bytes need not be aligned for float.
  float at(std::int64_t k) const;
  // Stored values [first, first + count) into `dest`: from a mapped file by read calls
  // (util::MappedFile::copy), so that its pages are never mapped in.
  void copy_values(std::int64_t first, std::int64_t count, float* dest) const;

  std::shared_ptr<const void> owner_;
  std::string_view bytes_;
  const util::MappedFile* file_ = nullptr;  // owner_, when it is a mapped file
  int out_ = 0, in_ = 0, kh_ = 1, kw_ = 1, groups_ = 1;
  std::int64_t kernel_ = 1, row_length_ = 0, out_per_group_ = 1;
  bool finite_ = true;
  Eigen::VectorXf row_abs_max_;
};

}  // namespace cimsim::workload
