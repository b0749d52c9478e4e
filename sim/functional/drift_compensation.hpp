#pragma once
// Drift compensation in the digital periphery (after Joshi et al., Nat. Commun. 2020): right after
// programming, and again at the inference time, the chip reads a known input pattern (here the
// first calibration inputs); each layer's outputs are then scaled by the ratio of the two mean
// absolute outputs — one factor per layer (`global`) or one per output column (`per_column`).

#include <Eigen/Dense>

#include <string>
#include <vector>

#include "sim/config/params.hpp"
#include "sim/functional/crossbar.hpp"

namespace cimsim::functional {

struct DriftCompensation {
  enum class Mode { None, Global, PerColumn };
  Mode mode = Mode::None;
  double reference_time_s = 1;
  int samples = 64;

  static DriftCompensation from(const config::Params& p);
  bool on() const { return mode != Mode::None; }
};

// Reads each layer through the reference chip and the chip at the inference time on the same input
// codes, and hands on the compensated output, so later layers see what the compensated chip gives
// them. The scales it leaves behind are per ChipMap layer (empty for digital layers).
class CompensationBackend final : public MatrixBackend {
 public:
  CompensationBackend(const mapping::ChipMap& chip, CrossbarBackend& reference, CrossbarBackend& now,
                      DriftCompensation::Mode mode);
  Eigen::MatrixXd multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                           std::int64_t first_vector) override;
  // Arrays written per input are read right after their write: nothing has drifted to compensate.
  Eigen::MatrixXd multiply_written(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                   std::int64_t first_vector, std::int64_t write) override {
    return now_.multiply_written(q, codes, first_vector, write);
  }
  const std::vector<Eigen::VectorXd>& scales() const { return scales_; }

 private:
  const mapping::ChipMap& chip_;
  CrossbarBackend& reference_;
  CrossbarBackend& now_;
  DriftCompensation::Mode mode_;
  std::vector<Eigen::VectorXd> scales_;
};

}  // namespace cimsim::functional
