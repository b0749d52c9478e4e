#include "sim/functional/ir_drop.hpp"

#include <Eigen/LU>
#include <Eigen/SparseCholesky>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/tech/tech.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::functional {

namespace {

config::SectionSpec ir_drop_section() {
  config::SectionSpec s("ir_drop",
                        "Wire resistance of the arrays' word and bit lines: IR drop in every read (docs/devices.md)");
  s.order(55);
  s.choice("solver", "none", {"none", "exact", "fast", "auto"},
           "none: ideal wires; exact: sparse nodal solve of each array; fast: first order in the wire resistance; "
           "auto: exact up to exact_max_cells cells per array, fast beyond");
  s.choice("wire", "node", {"node", "given"},
           "node: one segment per cell of the tech node's local wire (tech.local_wire_ohm_per_um) across the cell "
           "pitch sqrt(cell.area_f2)*F; given: word_line_ohm and bit_line_ohm");
  s.real("word_line_ohm", 0, "Ohm", "Word-line resistance per cell when wire is given").at_least(0);
  s.real("bit_line_ohm", 0, "Ohm", "Bit-line resistance per cell when wire is given").at_least(0);
  s.integer("exact_max_cells", 4096, "cells",
            "Largest array (rows x columns in use) auto solves exactly (64 x 64); larger ones take the fast solve")
      .range(1, std::int64_t{1} << 30);
  return s;
}
const config::SectionRegistrar registered(ir_drop_section);

constexpr double kSiemensPerMicro = 1e6;  // 1/Ω in µS

}  // namespace

IrDrop::IrDrop(Solver solver, double word_line_ohm, double bit_line_ohm, std::int64_t exact_max_cells)
    : solver_(solver), r_w_(word_line_ohm), r_b_(bit_line_ohm), exact_max_cells_(exact_max_cells) {}

IrDrop IrDrop::from(const config::Config& c, const models::CellModel& cell) {
  const config::Params& p = c.section("ir_drop");
  const std::string& s = p.text("solver");
  const Solver solver = s == "exact" ? Solver::Exact : s == "fast" ? Solver::Fast : s == "auto" ? Solver::Auto : Solver::Off;
  double r_w = p.real("word_line_ohm"), r_b = p.real("bit_line_ohm");
  if (p.text("wire") == "node") {
    const models::Tech tech = models::Tech::from(c.section("tech"));
    const double pitch_um = std::sqrt(cell.area_f2()) * c.section("chip").real("feature_size_nm") * 1e-3;
    r_w = r_b = tech.local_wire_ohm_per_um * pitch_um;
  }
  IrDrop d(solver, r_w, r_b, p.integer("exact_max_cells"));
  d.params_ = p;
  return d;
}

bool IrDrop::exact_for(Eigen::Index rows, Eigen::Index cols) const {
  return solver_ == Solver::Exact || (solver_ == Solver::Auto && rows * cols <= exact_max_cells_);
}

void IrDrop::apply(models::ArrayDevices& d) const {
  if (!on()) return;
  if (d.iv_nl2_ua_per_v2.size() > 0 || d.iv_nl3_ua_per_v3.size() > 0)
    params_.fail("solver", "IR drop is solved for linear devices; this cell's I-V is non-linear (set its iv_nl2_per_v "
                           "and iv_nl3_per_v2 to 0, or ir_drop.solver to none)");
  const Eigen::MatrixXd g = d.g_us.cast<double>();
  const Eigen::MatrixXd eff = exact_for(g.rows(), g.cols()) ? ir_drop_exact(g, r_w_, r_b_) : ir_drop_fast(g, r_w_, r_b_);
  if (d.disturbed_g_us.size() > 0) {
    const Eigen::MatrixXd ratio = (g.array() > 0).select(eff.array() / g.array(), 1.0);
    d.disturbed_g_us = (d.disturbed_g_us.cast<double>().array() * ratio.array()).cast<float>().matrix();
  }
  d.g_us = eff.cast<float>();
}

Eigen::MatrixXd ir_drop_first_order(const Eigen::MatrixXd& g, double r_w, double r_b) {
  const Eigen::Index rows = g.rows(), cols = g.cols();
  Eigen::MatrixXd factor = Eigen::MatrixXd::Ones(rows, cols);
  if (r_w > 0) {
    // A(i, j) = Σ_k G_ik·(min(j, k) + 1) = Σ_{k≤j} G_ik·(k + 1) + (j + 1)·Σ_{k>j} G_ik.
    for (Eigen::Index i = 0; i < rows; ++i) {
      double right = g.row(i).sum(), weighted = 0;
      for (Eigen::Index j = 0; j < cols; ++j) {
        weighted += g(i, j) * static_cast<double>(j + 1);
        right -= g(i, j);
        factor(i, j) -= r_w / kSiemensPerMicro * (weighted + static_cast<double>(j + 1) * right);
      }
    }
  }
  if (r_b > 0) {
    // B(i, j) = Σ_p G_pj·(R − max(p, i)) = (R − i)·Σ_{p≤i} G_pj + Σ_{p>i} G_pj·(R − p).
    const auto big_r = static_cast<double>(rows);
    for (Eigen::Index j = 0; j < cols; ++j) {
      double below = 0;
      for (Eigen::Index p = 0; p < rows; ++p) below += g(p, j) * (big_r - static_cast<double>(p));
      double above = 0;
      for (Eigen::Index i = 0; i < rows; ++i) {
        above += g(i, j);
        below -= g(i, j) * (big_r - static_cast<double>(i));
        factor(i, j) -= r_b / kSiemensPerMicro * ((big_r - static_cast<double>(i)) * above + below);
      }
    }
  }
  return g.cwiseProduct(factor.cwiseMax(0.0));
}

Eigen::MatrixXd ir_drop_fast(const Eigen::MatrixXd& g, double r_w, double r_b, int passes) {
  Eigen::MatrixXd eff = ir_drop_first_order(g, r_w, r_b);
  for (int k = 0; k < passes; ++k) {
    // The factor each device's current keeps, from the currents the corrected devices carry.
    const Eigen::MatrixXd corrected = ir_drop_first_order(eff, r_w, r_b);
    eff = (eff.array() > 0).select(g.array() * corrected.array() / eff.array(), 0.0);
  }
  return eff;
}

Eigen::MatrixXd ir_drop_exact(const Eigen::MatrixXd& g, double r_w, double r_b) {
  if (r_w <= 0 && r_b <= 0) return g;
  const Eigen::Index rows = g.rows(), cols = g.cols();
  const bool wl = r_w > 0, bl = r_b > 0;
  const double gw = wl ? kSiemensPerMicro / r_w : 0, gb = bl ? kSiemensPerMicro / r_b : 0;
  // Unknowns: word-line nodes (when the word line has resistance), then bit-line nodes.
  const Eigen::Index wl_count = wl ? rows * cols : 0;
  auto wl_id = [&](Eigen::Index i, Eigen::Index j) { return i * cols + j; };
  auto bl_id = [&](Eigen::Index i, Eigen::Index j) { return wl_count + i * cols + j; };
  const Eigen::Index n = wl_count + (bl ? rows * cols : 0);

  std::vector<Eigen::Triplet<double>> t;
  t.reserve(static_cast<std::size_t>(n) * 5);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) {
      const double gc = g(i, j);
      if (wl) {
        // The segment towards the driver (or the cell before), the one after, and the cell.
        t.emplace_back(wl_id(i, j), wl_id(i, j), gw + (j + 1 < cols ? gw : 0.0) + gc);
        if (j + 1 < cols) {
          t.emplace_back(wl_id(i, j), wl_id(i, j + 1), -gw);
          t.emplace_back(wl_id(i, j + 1), wl_id(i, j), -gw);
        }
      }
      if (bl) {
        // The segment towards the sense amplifier (or the cell below), the one above, and the cell.
        t.emplace_back(bl_id(i, j), bl_id(i, j), gb + (i > 0 ? gb : 0.0) + gc);
        if (i + 1 < rows) {
          t.emplace_back(bl_id(i, j), bl_id(i + 1, j), -gb);
          t.emplace_back(bl_id(i + 1, j), bl_id(i, j), -gb);
        }
      }
      if (wl && bl) {
        t.emplace_back(wl_id(i, j), bl_id(i, j), -gc);
        t.emplace_back(bl_id(i, j), wl_id(i, j), -gc);
      }
    }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(t.begin(), t.end());
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt(a);

  Eigen::MatrixXd eff(rows, cols);
  constexpr Eigen::Index kBlock = 32;  // right-hand sides solved together
  for (Eigen::Index m0 = 0; m0 < rows; m0 += kBlock) {
    const Eigen::Index k = std::min(kBlock, rows - m0);
    // One volt on row m0 + c, every other row at 0 V.
    Eigen::MatrixXd b = Eigen::MatrixXd::Zero(n, k);
    for (Eigen::Index c = 0; c < k; ++c) {
      const Eigen::Index m = m0 + c;
      if (wl) b(wl_id(m, 0), c) = gw;
      else
        for (Eigen::Index j = 0; j < cols; ++j) b(bl_id(m, j), c) = g(m, j);  // word line at the drive itself
    }
    const Eigen::MatrixXd x = ldlt.solve(b);
    for (Eigen::Index c = 0; c < k; ++c) {
      const Eigen::Index m = m0 + c;
      for (Eigen::Index j = 0; j < cols; ++j) {
        if (bl) {
          eff(m, j) = gb * x(bl_id(rows - 1, j), c);
        } else {
          double current = 0;  // the bit line is the virtual ground itself
          for (Eigen::Index i = 0; i < rows; ++i) current += g(i, j) * x(wl_id(i, j), c);
          eff(m, j) = current;
        }
      }
    }
  }
  return eff;
}

Eigen::VectorXd dense_circuit_currents(const Eigen::MatrixXd& g, const Eigen::VectorXd& v, double r_w, double r_b) {
  const Eigen::Index rows = g.rows(), cols = g.cols();
  // Nodes: row sources, word-line nodes, bit-line nodes, sense inputs; then one current per
  // voltage source (the row drivers, and a 0 V source holding each sense input at virtual ground).
  const Eigen::Index src = 0, wln = rows, bln = wln + rows * cols, sense = bln + rows * cols, nodes = sense + cols;
  const Eigen::Index sources = rows + cols, size = nodes + sources;
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(size, size);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(size);
  auto stamp = [&](Eigen::Index p, Eigen::Index q, double conductance) {
    a(p, p) += conductance;
    a(q, q) += conductance;
    a(p, q) -= conductance;
    a(q, p) -= conductance;
  };
  const double gw = kSiemensPerMicro / r_w, gb = kSiemensPerMicro / r_b;
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) {
      const Eigen::Index w = wln + i * cols + j, b = bln + i * cols + j;
      stamp(j == 0 ? src + i : w - 1, w, gw);
      stamp(w, b, g(i, j));
      stamp(b, i + 1 < rows ? b + cols : sense + j, gb);
    }
  for (Eigen::Index k = 0; k < sources; ++k) {
    const Eigen::Index node = k < rows ? src + k : sense + (k - rows);
    a(node, nodes + k) = 1;
    a(nodes + k, node) = 1;
    rhs(nodes + k) = k < rows ? v(k) : 0.0;
  }
  const Eigen::VectorXd x = a.fullPivLu().solve(rhs);
  Eigen::VectorXd out(cols);
  for (Eigen::Index j = 0; j < cols; ++j) out(j) = gb * (x(bln + (rows - 1) * cols + j) - x(sense + j));
  return out;
}

}  // namespace cimsim::functional
