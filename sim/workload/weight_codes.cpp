#include "sim/workload/weight_codes.hpp"

#include <limits>

namespace cimsim::workload {

namespace {

int width_for(std::int64_t magnitude) {
  if (magnitude <= std::numeric_limits<std::int8_t>::max()) return 1;
  if (magnitude <= std::numeric_limits<std::int16_t>::max()) return 2;
  return 4;
}

}  // namespace

WeightCodes WeightCodes::zeros(Eigen::Index rows, Eigen::Index cols, std::int64_t magnitude) {
  WeightCodes w;
  w.rows_ = rows;
  w.cols_ = cols;
  w.width_ = width_for(magnitude);
  visit(w, [&](auto& m) { m.setZero(rows, cols); });
  return w;
}

WeightCodes::WeightCodes(const MatrixXi32& m) : rows_(m.rows()), cols_(m.cols()) {
  std::int64_t magnitude = 0;
  if (m.size() > 0) magnitude = std::max<std::int64_t>(-static_cast<std::int64_t>(m.minCoeff()), m.maxCoeff());
  // −128 fits a byte too, but codes are symmetric: ±magnitude decides.
  width_ = width_for(magnitude);
  visit(*this, [&](auto& n) {
    using Scalar = typename std::decay_t<decltype(n)>::Scalar;
    n = m.cast<Scalar>();
  });
}

std::int64_t WeightCodes::magnitude() const {
  if (size() == 0) return 0;
  // From the extremes in the narrow type: |−128| does not fit an int8.
  return visit(*this, [](const auto& m) {
    return std::max<std::int64_t>(-static_cast<std::int64_t>(m.minCoeff()), static_cast<std::int64_t>(m.maxCoeff()));
  });
}

std::int32_t WeightCodes::operator()(Eigen::Index r, Eigen::Index c) const {
  return visit(*this, [&](const auto& m) { return static_cast<std::int32_t>(m(r, c)); });
}

void WeightCodes::set_col(Eigen::Index c, const Eigen::Ref<const Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>>& values) {
  visit(*this, [&](auto& m) {
    using Scalar = typename std::decay_t<decltype(m)>::Scalar;
    m.col(c) = values.cast<Scalar>();
  });
}

void WeightCodes::set_row(Eigen::Index r, Eigen::Index first, const std::int32_t* values, Eigen::Index count) {
  visit(*this, [&](auto& m) {
    using Scalar = typename std::decay_t<decltype(m)>::Scalar;
    for (Eigen::Index j = 0; j < count; ++j) m(r, first + j) = static_cast<Scalar>(values[j]);
  });
}

MatrixXi32 WeightCodes::block(Eigen::Index r, Eigen::Index c, Eigen::Index nr, Eigen::Index nc) const {
  return visit(*this, [&](const auto& m) -> MatrixXi32 { return m.block(r, c, nr, nc).template cast<std::int32_t>(); });
}

Eigen::VectorXd WeightCodes::row_sums() const {
  Eigen::VectorXd s = Eigen::VectorXd::Zero(rows_);
  visit(*this, [&](const auto& m) {
    for (Eigen::Index i = 0; i < m.cols(); ++i) s += m.col(i).template cast<double>();
  });
  return s;
}

bool WeightCodes::any_nonzero(Eigen::Index r, Eigen::Index c, Eigen::Index nr, Eigen::Index nc) const {
  return visit(*this, [&](const auto& m) { return (m.block(r, c, nr, nc).array() != 0).any(); });
}

bool operator==(const WeightCodes& a, const WeightCodes& b) {
  if (a.rows_ != b.rows_ || a.cols_ != b.cols_) return false;
  if (a.width_ != b.width_) return a.cast<std::int32_t>() == b.cast<std::int32_t>();
  if (a.width_ == 1) return a.i8_ == b.i8_;
  if (a.width_ == 2) return a.i16_ == b.i16_;
  return a.i32_ == b.i32_;
}

}  // namespace cimsim::workload
