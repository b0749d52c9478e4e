#pragma once
// What one chunk of a layer's vectors carries out of CrossbarBackend::run_chunk (crossbar_chunk.cpp)
// to run_layer (crossbar.cpp), which lands it.

#include <Eigen/Dense>

#include "sim/functional/calibration.hpp"
#include "sim/functional/crossbar.hpp"

namespace cimsim::functional {

struct CrossbarBackend::Chunk {
  Eigen::MatrixXd y;  // valid vectors × outputs
  RowLevels levels;   // inputs × DAC levels
  CalibrationRecorder record;
  explicit Chunk(const CalibrationQuota* quota = nullptr) : record(quota) {}
};

}  // namespace cimsim::functional
