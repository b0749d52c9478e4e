#pragma once
// The on-chip matrix product: inputs cut into slices and driven onto the rows of every array that
// holds the layer, column currents summed from the programmed conductances, read noise added,
// converted by the ADC, and shift-added back into integers (DESIGN §4).

#include <Eigen/Dense>

#include <map>
#include <tuple>
#include <vector>

#include "models/periphery/adc.hpp"
#include "sim/functional/activity.hpp"
#include "sim/functional/full_scale.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/functional/reference.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

// ADC inputs seen during calibration, per (layer map, input slice, weight slice).
struct CalibrationRecorder {
  std::map<std::tuple<int, int, int>, std::vector<float>> magnitudes;
  void merge(CalibrationRecorder&& o);
  CalibrationTable percentiles(double percentile) const;
};

class CrossbarBackend final : public MatrixBackend {
 public:
  // With a recorder, conversions are exact and every ADC input is recorded (calibration pass).
  CrossbarBackend(const mapping::ChipMap& chip, const ProgrammedChip& programmed, const models::AdcModel& adc,
                  const FullScalePlan& plan, CalibrationRecorder* recorder = nullptr);

  Eigen::MatrixXd multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                           std::int64_t first_vector) override;

  const Activity& activity() const { return activity_; }

 private:
  const mapping::ChipMap& chip_;
  const ProgrammedChip& programmed_;
  const models::AdcModel& adc_;
  const FullScalePlan& plan_;
  double cell_energy_unit_pj_;  // (V_read/(2^db−1))²·t_read in pJ per µS of u²·G
  CalibrationRecorder* recorder_;
  Activity activity_;
};

}  // namespace cimsim::functional
