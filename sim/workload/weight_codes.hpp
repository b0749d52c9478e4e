#pragma once
// A matrix layer's integer weight codes (outputs × inputs), held as narrow as their range allows:
// one byte each within ±127 (weights of 8 bits and fewer), two within ±32767, four otherwise (a
// QDQ model's uint16 weights less their zero point). VGG-16's 138 M codes take 138 MB instead of
// the 553 MB of plain int32, the largest thing a full run of it held besides its conductances.

#include <Eigen/Dense>

#include <cstdint>

namespace cimsim::workload {

using MatrixXi32 = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>;

class WeightCodes {
 public:
  WeightCodes() = default;
  // The codes of `m`, at the width its range needs.
  WeightCodes(const MatrixXi32& m);  // NOLINT(google-explicit-constructor): assigned like the matrix it replaces
  // Zeros, `rows` × `cols`, wide enough for codes within ±`magnitude`.
  static WeightCodes zeros(Eigen::Index rows, Eigen::Index cols, std::int64_t magnitude);

  Eigen::Index rows() const { return rows_; }
  Eigen::Index cols() const { return cols_; }
  Eigen::Index size() const { return rows_ * cols_; }
  int bytes_per_code() const { return width_; }
  // The largest |code| (0 when empty).
  std::int64_t magnitude() const;

  std::int32_t operator()(Eigen::Index r, Eigen::Index c) const;
  // Column `c` from `values` (rows() of them), each within the width chosen.
  void set_col(Eigen::Index c, const Eigen::Ref<const Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>>& values);
  // Row `r` from column `first` on, `count` values.
  void set_row(Eigen::Index r, Eigen::Index first, const std::int32_t* values, Eigen::Index count);

  MatrixXi32 block(Eigen::Index r, Eigen::Index c, Eigen::Index nr, Eigen::Index nc) const;
  // The whole matrix in another scalar type (double for exact products: codes of up to 17 bits and
  // their sums stay far below 2^53).
  template <class T>
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> cast() const {
    return visit(*this, [](const auto& m) -> Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> { return m.template cast<T>(); });
  }
  // Σ over each row, summed down the columns (no copy of the codes).
  Eigen::VectorXd row_sums() const;
  bool any_nonzero(Eigen::Index r, Eigen::Index c, Eigen::Index nr, Eigen::Index nc) const;
  // The same codes, whatever width each is held at.
  friend bool operator==(const WeightCodes& a, const WeightCodes& b);

 private:
  // f applied to the matrix in use (const or not as `self` is).
  template <class Self, class F>
  static decltype(auto) visit(Self& self, F&& f) {
    if (self.width_ == 1) return f(self.i8_);
    if (self.width_ == 2) return f(self.i16_);
    return f(self.i32_);
  }

  Eigen::Index rows_ = 0, cols_ = 0;
  int width_ = 4;  // bytes per code: the one of the three matrices in use
  Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic> i8_;
  Eigen::Matrix<std::int16_t, Eigen::Dynamic, Eigen::Dynamic> i16_;
  MatrixXi32 i32_;
};

}  // namespace cimsim::workload
