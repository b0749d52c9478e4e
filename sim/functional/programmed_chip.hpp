#pragma once
// One chip instance: every array programmed through the cell model, kept in the form reads use.
// A read of a row block is one matrix product for all the arrays that share those rows: each ADC
// input is a linear combination of column currents (a W+ column minus its W− partner, a column minus
// the reference column, or a column alone), so its conductances are combined once, here.

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

// The ADC inputs of the arrays that hold one row block of a layer.
struct ProgrammedRowBlock {
  int row_begin = 0, rows = 0;
  std::vector<int> arrays;  // ChipMap::arrays indices, in the order their readouts are stacked
  std::vector<int> first_readout;  // per array: its first column in `diff`
  // Conductance each readout sees per row: G_plus − G_minus, in units of ΔG (rows × readouts).
  Eigen::MatrixXf diff;
  // Per-read noise variance of each readout's own columns, units of ΔG² (rows × readouts); empty
  // when reads are noiseless.
  Eigen::MatrixXf var;
  // Per-read noise variance of each array's reference column (rows × arrays); empty when none.
  // One reference current is subtracted from every column of its array, so its noise is common
  // to all of them and drawn once per read.
  Eigen::MatrixXf reference_var;
  // Σ over every physical column of G per row, µS: a read's cell energy is Σ_i V_i²·row_g_us_i·t.
  Eigen::VectorXf row_g_us;
};

struct ProgrammedLayer {
  std::vector<ProgrammedRowBlock> row_blocks;
};

struct ProgrammedChip {
  double g_min_us = 0, delta_g_us = 1;
  double g_min_norm = 0;  // G_min / ΔG
  std::uint64_t seed = 0;
  std::uint32_t instance = 0;
  std::vector<ProgrammedLayer> layers;  // ChipMap::layers order; digital layers have none

  static ProgrammedChip program(const mapping::ChipMap& chip, const models::CellModel& cell, std::uint64_t seed,
                                std::uint32_t instance, double t_inference_s, int threads);
};

}  // namespace cimsim::functional
