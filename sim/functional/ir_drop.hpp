#pragma once
// Wire resistance of the crossbar's lines (IR drop). Each row is driven at one end of its word
// line, each column read at the far end of its bit line into a virtual ground; between two cells
// every line has one segment of resistance (word line r_w, bit line r_b, from the node's wire and
// the cell pitch, or given), and one segment joins the driver and the sense amplifier to the
// nearest cell. The circuit is linear, so a read's column currents are exactly I = Vᵀ·G_eff for an
// effective conductance matrix: G_eff(i, j) is the current column j receives per volt on row i
// with every other row held at 0 V. G_eff replaces the programmed conductances, so the engine's
// reads (one matrix product) see IR drop at no extra cost per read.
//
//   exact   G_eff from the nodal equations of the whole array, solved with a sparse LDLᵀ
//           factorisation (one per array, one solve per row);
//   fast    first order in the wire resistances (O(rows·cols)):
//           G_eff(i, j) = G_ij·(1 − r_w·Σ_k G_ik·(min(j, k) + 1) − r_b·Σ_p G_pj·(R − max(p, i)))
//           (0-based j, k columns from the driver; p, i rows, the sense amplifier below row R − 1),
//           made self-consistent: the sums are taken twice more over the corrected conductances
//           (the currents the lines actually carry); error in docs/devices.md;
//   auto    exact up to `exact_max_cells` cells per array, fast beyond.
// Zero wire resistance leaves the conductances untouched. Equations and accuracy: docs/devices.md.

#include <Eigen/Dense>

#include <cstdint>

#include "models/cells/cell_model.hpp"
#include "sim/config/params.hpp"

namespace cimsim::functional {

class IrDrop {
 public:
  enum class Solver { Off, Exact, Fast, Auto };

  IrDrop() = default;
  IrDrop(Solver solver, double word_line_ohm, double bit_line_ohm, std::int64_t exact_max_cells = 4096);
  // From the `ir_drop` section; with `wire: node`, r_w = r_b = the tech node's local wire resistance
  // per µm × the cell pitch √(area_f2)·F (F = chip.feature_size_nm).
  static IrDrop from(const config::Config& config, const models::CellModel& cell);

  bool on() const { return solver_ != Solver::Off && (r_w_ > 0 || r_b_ > 0); }
  double word_line_ohm() const { return r_w_; }
  double bit_line_ohm() const { return r_b_; }
  // Whether an array of this size is solved exactly.
  bool exact_for(Eigen::Index rows, Eigen::Index cols) const;

  // Replaces the devices' conductances by the effective ones (read-disturbed states scale by the
  // same factor as their device). Fails at ir_drop.solver for non-linear devices, whose circuit
  // is not linear.
  void apply(models::ArrayDevices& devices) const;

 private:
  Solver solver_ = Solver::Off;
  double r_w_ = 0, r_b_ = 0;
  std::int64_t exact_max_cells_ = 4096;
  config::Params params_;
};

// G_eff (µS) of conductances `g_us` (rows × cols) with word- and bit-line segments of r_w and r_b Ω.
Eigen::MatrixXd ir_drop_exact(const Eigen::MatrixXd& g_us, double r_w, double r_b);
Eigen::MatrixXd ir_drop_first_order(const Eigen::MatrixXd& g_us, double r_w, double r_b);
// The first-order correction recomputed `passes` more times from the corrected conductances.
Eigen::MatrixXd ir_drop_fast(const Eigen::MatrixXd& g_us, double r_w, double r_b, int passes = 2);

// Reference for tests: the column currents (µA) of one read with row voltages `v` (V), from a dense
// modified-nodal-analysis solve of the same circuit, voltage sources and all (r_w, r_b > 0).
Eigen::VectorXd dense_circuit_currents(const Eigen::MatrixXd& g_us, const Eigen::VectorXd& v, double r_w, double r_b);

}  // namespace cimsim::functional
