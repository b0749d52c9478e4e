#pragma once
// One chip instance: every array programmed through the cell model, with the conductances a read
// sees at the inference time, kept in the units the crossbar arithmetic uses.

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

struct ProgrammedArray {
  // Conductances in units of ΔG, transposed (columns × rows) so that a read is one GEMM.
  Eigen::MatrixXf gt;
  // Per-read noise variance in units of ΔG², same layout; empty when reads are noiseless.
  Eigen::MatrixXf sigma2t;
  // Σ over the array's columns of G per row, µS: a read's cell energy is Σ_i V_i²·row_g_us_i·t.
  Eigen::RowVectorXf row_g_us;
};

struct ProgrammedChip {
  double g_min_us = 0, delta_g_us = 1;
  double g_min_norm = 0;  // G_min / ΔG
  std::uint64_t seed = 0;
  std::uint32_t instance = 0;
  std::vector<ProgrammedArray> arrays;  // ChipMap::arrays order

  static ProgrammedChip program(const mapping::ChipMap& chip, const models::CellModel& cell, std::uint64_t seed,
                                std::uint32_t instance, double t_inference_s, int threads);
};

}  // namespace cimsim::functional
