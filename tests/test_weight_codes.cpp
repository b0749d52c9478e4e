// Weight codes are held as narrow as their range allows (workload::WeightCodes): the same values
// at one, two or four bytes each, and a full run quantizes 8-bit weights to a byte per code.

#include <catch2/catch.hpp>

#include "sim/run/simulation.hpp"
#include "sim/workload/weight_codes.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

workload::MatrixXi32 ramp(Eigen::Index rows, Eigen::Index cols, std::int32_t magnitude) {
  workload::MatrixXi32 m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k)
    m.data()[k] = static_cast<std::int32_t>((k * 7919) % (2 * magnitude + 1)) - magnitude;
  return m;
}

}  // namespace

TEST_CASE("weight codes: the width follows the largest magnitude, the values stay", "[quantize]") {
  for (auto [magnitude, width] : {std::pair{1, 1}, std::pair{127, 1}, std::pair{128, 2}, std::pair{32767, 2},
                                  std::pair{32768, 4}, std::pair{65535, 4}}) {
    INFO("codes within ±" << magnitude);
    const workload::MatrixXi32 m = ramp(37, 23, magnitude);
    REQUIRE(m.cwiseAbs().maxCoeff() == magnitude);
    const workload::WeightCodes w(m);
    CHECK(w.bytes_per_code() == width);
    CHECK(w.rows() == 37);
    CHECK(w.cols() == 23);
    CHECK(w.cast<std::int32_t>() == m);
    CHECK(w(36, 22) == m(36, 22));
    CHECK(w.block(3, 4, 10, 5) == m.block(3, 4, 10, 5));
    CHECK(w.row_sums() == m.cast<double>().rowwise().sum());
    CHECK(w.any_nonzero(0, 0, 37, 23));
    // Built column by column and row by row, at the width the magnitude asks for.
    workload::WeightCodes by_col = workload::WeightCodes::zeros(37, 23, magnitude);
    CHECK(by_col.bytes_per_code() == width);
    CHECK_FALSE(by_col.any_nonzero(0, 0, 37, 23));
    for (Eigen::Index c = 0; c < 23; ++c) by_col.set_col(c, m.col(c));
    CHECK(by_col == w);
    workload::WeightCodes by_row = workload::WeightCodes::zeros(37, 23, magnitude);
    for (Eigen::Index r = 0; r < 37; ++r) {
      const Eigen::Matrix<std::int32_t, 1, Eigen::Dynamic> row = m.row(r);
      by_row.set_row(r, 0, row.data(), 23);
    }
    CHECK(by_row == w);
  }
  // Equal codes compare equal at different widths; a different code does not.
  const workload::MatrixXi32 small = ramp(5, 4, 3);
  workload::WeightCodes wide = workload::WeightCodes::zeros(5, 4, 40000);
  for (Eigen::Index c = 0; c < 4; ++c) wide.set_col(c, small.col(c));
  CHECK(wide.bytes_per_code() == 4);
  CHECK(wide == workload::WeightCodes(small));
  workload::MatrixXi32 other = small;
  other(4, 3) += 1;
  CHECK_FALSE(wide == workload::WeightCodes(other));
}

TEST_CASE("weight codes: a full run keeps 8-bit weights at a byte per code, 12-bit at two", "[quantize]") {
  for (auto [bits, width] : {std::pair{8, 1}, std::pair{12, 2}, std::pair{1, 1}}) {
    INFO(bits << "-bit weights");
    const auto s = run::simulate(test::config_with("workload: {samples: 4}\n", {"quantization.weight_bits=" + std::to_string(bits)}));
    REQUIRE_FALSE(s->qnet.layers.empty());
    for (const auto& q : s->qnet.layers) {
      CHECK(q.w.bytes_per_code() == width);
      CHECK(q.w.cast<std::int32_t>().cwiseAbs().maxCoeff() <= q.weight_max());
    }
  }
}
