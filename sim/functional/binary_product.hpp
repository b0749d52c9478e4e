#pragma once
// Products with 0/1 input digits, as sums of the columns the set digits select.
//
// With 1-bit input slices a read's inputs are 0 or 1, and on calibrated 8-bit activations most are 0
// (about 19 % are set over ResNet-18's layers): an input at 0 drives no current, so its row adds
// nothing to any readout. Summing only the rows that are set does that fraction of a dense
// product's work.
//
// Each readout is summed from zero in increasing row order, one rounding per added term: the order
// of a GEMM's fused multiply-adds (a multiply by 1 rounds as the add alone, a multiply by 0 adds
// nothing). Eigen's GEMM keeps that order for most entries but sums the rows left at the end of
// each of its cache blocks in two interleaved halves, and its blocks follow the cache sizes of the
// CPU it runs on; the order here is the same on every machine.

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace cimsim::functional {

// The set entries of a 0/1 matrix, column by column: the rows each column's product sums.
class SetRows {
 public:
  // u(i, j) is 0 or 1 (any other value counts as set).
  void assign(const Eigen::Ref<const Eigen::MatrixXf>& u);
  Eigen::Index cols() const { return static_cast<Eigen::Index>(begin_.size()) - 1; }
  const std::uint32_t* rows_of(Eigen::Index j, std::uint32_t& count) const {
    const std::uint32_t b = begin_[static_cast<std::size_t>(j)];
    count = begin_[static_cast<std::size_t>(j) + 1] - b;
    return rows_.data() + b;
  }

 private:
  std::vector<std::uint32_t> begin_{0};  // cols + 1 offsets into rows_
  std::vector<std::uint32_t> rows_;
};

// The code that sums the rows: the widest this CPU runs (blocks of 64 readouts where
// util::cpu_has_avx512(), chosen at run time), or the 8-lane one every build runs. Both give the same
// floats: each readout's terms are added in the same order.
enum class SumKernel { widest, eight_lanes };

// dst = (a · u)ᵀ for the 0/1 matrix u that `set` describes (a: m × k, u: k × n, dst: n × m), each
// entry summed in increasing row order (above). Transposed because the engine reads each readout's
// vectors in a row: turning the product as it is made spares a pass over it.
void binary_product(const Eigen::Ref<const Eigen::MatrixXf>& a, const SetRows& set, Eigen::Map<Eigen::MatrixXf>& dst,
                    SumKernel kernel = SumKernel::widest);

}  // namespace cimsim::functional
