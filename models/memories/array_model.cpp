#include "models/memories/array_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/config/error.hpp"

namespace cimsim::models {

namespace {

// Distributed RC line: 0.38·R·C (Elmore delay of a uniform line, Sakurai, IEEE TED 1983).
constexpr double kDistributed = 0.38;
constexpr double kLn2 = 0.69;  // 50 % point of a lumped RC step

// Periphery is pitch-matched: a strip of transistors beside the cells, each transistor one
// contacted gate pitch (4 F) long and folded when its width plus 2 F of isolation exceeds the
// pitch it must fit in. Returns the strip's length (µm) taken by one transistor of width w. A layout
// rule of thumb, not a measurement (docs/memories.md).
double strip_um(double w_um, double pitch_um, double f_um) {
  return 4 * f_um * std::max(1.0, std::ceil((w_um + 2 * f_um) / pitch_um - 1e-9));
}

// A driver chain ending in an NMOS of `w_um` (PMOS twice as wide), stages shrinking by 4 from a
// minimum inverter: its strip length in a pitch of `pitch_um`, and its total transistor width.
struct Chain {
  double strip = 0, width = 0;
  Chain(double w_um, double pitch_um, double f_um) {
    for (double w = w_um; ; w /= 4) {
      strip += strip_um(w, pitch_um, f_um) + strip_um(2 * w, pitch_um, f_um);
      width += 3 * w;
      if (w <= f_um) break;
    }
  }
};

// Everything one organisation needs from the technology, in µm, fF, Ω, ps.
struct Circuit {
  double f_um, vdd, c_wire, c_gate, r_nmos, r_local, fo4_ps, sense_fj, sense_ps;
  explicit Circuit(const Tech& t)
      : f_um(t.node_nm * 1e-3), vdd(t.vdd_v), c_wire(t.wire_cap_ff_per_um), c_gate(t.array_gate_cap_ff_per_um),
        r_nmos(t.nmos_r_ohm_um), r_local(t.local_wire_ohm_per_um), fo4_ps(t.fo4_ps()), sense_fj(t.sense_amp_fj),
        sense_ps(t.sense_amp_ps) {}
  // Energy of swinging `ff` by the full supply, pJ.
  double full_swing_pj(double ff) const { return ff * vdd * vdd * 1e-3; }
  // A word-line (or write) driver chain ending in a stage of fan-out 4 into `load_ff`: the final
  // NMOS width, and the chain's delay from a minimum gate with a branching of `fanout` (logical
  // effort: one FO4 per factor 4 of path effort).
  double driver_nmos_um(double load_ff) const { return std::max(f_um, load_ff / (12 * c_gate)); }
  double chain_ps(double load_ff, double fanout) const {
    const double min_gate_ff = 3 * f_um * c_gate;
    return fo4_ps * std::max(1.0, std::log(fanout * load_ff / min_gate_ff) / std::log(4.0));
  }
};

struct Line {
  double cap_ff = 0, length_um = 0;
  double wire_ps(double r_per_um) const { return kDistributed * r_per_um * length_um * cap_ff * 1e-3; }
};

// H-tree over an nx × ny grid of equal leaves of w × h µm: total wire length (µm) and the path
// from the root to one leaf (µm). Each level splits the region across its longer side.
struct HTree {
  double total_um = 0, path_um = 0;
  static HTree over(int nx, int ny, double w, double h) {
    HTree t;
    double rw = nx * w, rh = ny * h;
    long long branches = 1;
    while (nx > 1 || ny > 1) {
      const bool split_x = (nx > 1 && rw >= rh) || ny == 1;
      const double seg = (split_x ? rw : rh) / 2;  // from the region's centre to each half's centre
      t.total_um += static_cast<double>(branches) * seg;
      t.path_um += seg;
      branches *= 2;
      if (split_x) {
        nx = (nx + 1) / 2;
        rw /= 2;
      } else {
        ny = (ny + 1) / 2;
        rh /= 2;
      }
    }
    return t;
  }
};

// The grid closest to square that holds n leaves of w × h.
std::pair<int, int> grid_for(long long n, double w, double h) {
  int nx = 1, ny = 1;
  while (static_cast<long long>(nx) * ny < n) {
    if (nx * w <= ny * h) nx *= 2;
    else ny *= 2;
  }
  return {nx, ny};
}

int log2_ceil(double x) { return x <= 1 ? 0 : static_cast<int>(std::ceil(std::log2(x) - 1e-12)); }

}  // namespace

double wire_delay_ns(const Tech& tech, double mm, double ohm_per_um) {
  const double um = mm * 1e3;
  const double r0c0_fs = tech.nmos_r_ohm_um * 3 * tech.array_gate_cap_ff_per_um;  // Ω·fF = fs
  const double repeated_ps = 2.5 * std::sqrt(r0c0_fs * ohm_per_um * tech.wire_cap_ff_per_um) * um * 1e-3;
  const double unrepeated_ps = kDistributed * ohm_per_um * tech.wire_cap_ff_per_um * um * um * 1e-3 + tech.fo4_ps();
  return std::min(repeated_ps, unrepeated_ps) * 1e-3;
}

double repeated_wire_ff(const Tech& tech, double mm) { return 1.756 * tech.wire_cap_ff_per_um * mm * 1e3; }

ShapedFigures evaluate_shape(const ArrayCell& cell, const MemoryRequest& req, const Tech& tech, ArrayShape shape) {
  ShapedFigures out;
  const Circuit k(tech);
  const double capacity_bits = req.capacity_kib * 8192.0;
  const double bank_bits = capacity_bits / req.banks;
  const double sa_bits = static_cast<double>(shape.rows) * shape.cols;
  if (sa_bits > bank_bits || shape.mux > shape.cols) return out;
  const long long subarrays = static_cast<long long>(std::ceil(bank_bits / sa_bits - 1e-9));
  const int per_subarray = shape.cols / shape.mux;  // bits one sub-array delivers per access
  const long long active = (req.word_bits + per_subarray - 1) / per_subarray;
  if (active > subarrays) return out;
  const int sensed = static_cast<int>(std::min<long long>(per_subarray, req.word_bits));  // columns used per sub-array
  const auto a = static_cast<double>(active);

  const double cell_w = std::sqrt(cell.area_um2 * cell.aspect), cell_h = std::sqrt(cell.area_um2 / cell.aspect);
  const double rows = shape.rows, cols = shape.cols;

  // --- word lines and row decoders ---
  Line wl{cols * (k.c_gate * cell.read_gate_um + k.c_wire * cell_w), cols * cell_w};
  Line wwl{cols * (k.c_gate * cell.write_gate_um + k.c_wire * cell_w), cols * cell_w};
  auto wordline_ps = [&](const Line& l) {
    const double r_drv = k.r_nmos / k.driver_nmos_um(l.cap_ff);
    return kLn2 * r_drv * l.cap_ff * 1e-3 + l.wire_ps(k.r_local);
  };
  // Predecoded address lines run along the decoder, each loading half the rows' NAND inputs.
  const double address_bits = log2_ceil(rows);
  const double predecode_ff = address_bits * (rows / 2 * 3 * k.f_um * k.c_gate + k.c_wire * rows * cell_h);
  auto decode_pj = [&](const Line& l) { return a * (0.5 * k.full_swing_pj(predecode_ff) + k.full_swing_pj(l.cap_ff * 4 / 3)); };

  // --- bit lines ---
  Line bl{rows * (k.c_gate * cell.read_drain_um + k.c_wire * cell_h), rows * cell_h};
  Line wbl{rows * (k.c_gate * cell.write_drain_um + k.c_wire * cell_h), rows * cell_h};

  // --- sub-array periphery, pitch-matched ---
  // Row strip, per row: the word-line driver chain and a NAND decoder of 2·log2(rows) minimum
  // transistors; twice over with a separate write word line.
  const Chain read_driver(k.driver_nmos_um(wl.cap_ff), cell_h, k.f_um), write_driver_row(k.driver_nmos_um(wwl.cap_ff), cell_h, k.f_um);
  const double decoder_strip = 2 * address_bits * strip_um(k.f_um, cell_h, k.f_um);
  const double row_strip = read_driver.strip + decoder_strip +
                           (cell.separate_write_path ? write_driver_row.strip + decoder_strip : 0.0);
  // Column strip: per sensed column a latch sense amplifier of 8 transistors 4 F wide and a write
  // driver, in the pitch of `mux` columns; per column a precharge (or clamp) and a mux pass gate.
  // A current write driver keeps at most half the supply across itself at the write current.
  const double write_load_ff = cell.full_swing_write ? bl.cap_ff : wbl.cap_ff;
  double driver_nmos = k.driver_nmos_um(write_load_ff);
  if (!cell.full_swing_write) driver_nmos = std::max(driver_nmos, cell.write_current_ua * 1e-6 * k.r_nmos / (0.5 * k.vdd));
  const double sa_pitch = shape.mux * cell_w;
  const Chain write_driver(driver_nmos, sa_pitch, k.f_um);
  const double column_strip = 8 * strip_um(4 * k.f_um, sa_pitch, k.f_um) + write_driver.strip +
                              2 * strip_um(2 * k.f_um, cell_w, k.f_um);
  const double core_w = cols * cell_w, core_h = rows * cell_h;
  const double sub_w = core_w + row_strip, sub_h = core_h + column_strip;

  const long long leaves = subarrays * req.banks;
  const auto [nx, ny] = grid_for(leaves, sub_w, sub_h);
  const HTree tree = HTree::over(nx, ny, sub_w, sub_h);
  const double htree_mm = tree.path_um * 1e-3;
  const double word_address_bits = log2_ceil(capacity_bits / req.word_bits);
  const double bus_bits = word_address_bits + 2.0 * req.word_bits;  // address, data in, data out
  const double htree_ps = wire_delay_ns(tech, htree_mm, tech.global_wire_ohm_per_um) * 1e3;
  // Half the bits of the address and data toggle per access.
  const double htree_pj = 0.5 * (word_address_bits + req.word_bits) * k.full_swing_pj(repeated_wire_ff(tech, htree_mm));

  MemoryFigures& f = out.figures;
  f.technology = cell.technology;
  f.nonvolatile = cell.nonvolatile;
  f.word_bits = req.word_bits;
  MemoryOrganisation& o = f.organisation;
  o.rows = shape.rows;
  o.cols = shape.cols;
  o.column_mux = shape.mux;
  o.subarrays = static_cast<int>(subarrays);
  o.active_subarrays = static_cast<int>(active);
  o.subarray_width_um = sub_w;
  o.subarray_height_um = sub_h;
  o.htree_mm = htree_mm;

  // --- read ---
  const double decode_ps = k.chain_ps(wl.cap_ff, rows);
  const double wl_ps = wordline_ps(wl);
  double bl_ps = 0, sense_ps = 0;
  AccessParts& r = f.read_parts;
  r.htree = htree_pj;
  r.decoder = decode_pj(wl) - a * k.full_swing_pj(wl.cap_ff);
  r.wordline = a * k.full_swing_pj(wl.cap_ff);
  if (cell.sensing == ArrayCell::Sensing::Voltage) {
    bl_ps = bl.cap_ff * cell.bitline_swing_v / cell.read_current_ua * 1e3 + bl.wire_ps(k.r_local);
    sense_ps = k.sense_ps;
    // Every column of an opened row swings; the precharge restores it from the supply.
    r.bitline = a * cols * bl.cap_ff * cell.bitline_swing_v * k.vdd * 1e-3;
  } else {
    const double r_cell_kohm = 0.5 * (cell.low_kohm + cell.high_kohm);
    bl_ps = kLn2 * r_cell_kohm * bl.cap_ff + bl.wire_ps(k.r_local);  // kΩ·fF = ps
    sense_ps = cell.sense_ns * 1e3;
    const double current_ua = cell.read_voltage_v / r_cell_kohm * 1e3;  // V / kΩ = mA
    // Clamped bit lines charge to the read voltage from the supply and carry the cell current
    // while the sense amplifier decides, beside a reference branch carrying as much (a reference
    // cell between R_P and R_AP); only the sensed columns are biased.
    r.bitline = a * sensed * (bl.cap_ff * cell.read_voltage_v * k.vdd * 1e-3 +
                              2 * k.vdd * current_ua * (bl_ps + sense_ps) * 1e-6);
  }
  r.sense = a * sensed * k.sense_fj * 1e-3;
  f.read_pj = r.total();
  f.read_ns = (2 * htree_ps + decode_ps + wl_ps + bl_ps + sense_ps) * 1e-3;

  // --- write ---
  const Line& write_wl = cell.separate_write_path ? wwl : wl;
  AccessParts& w = f.write_parts;
  w.htree = htree_pj;
  w.decoder = decode_pj(write_wl) - a * k.full_swing_pj(write_wl.cap_ff);
  w.wordline = a * k.full_swing_pj(write_wl.cap_ff);
  double write_bl_ps = kLn2 * k.r_nmos / driver_nmos * write_load_ff * 1e-3;
  if (cell.full_swing_write) {
    write_bl_ps += bl.wire_ps(k.r_local) + k.fo4_ps;  // the cell flips once its bit line is low
    // Written columns swing fully; the other columns of the opened rows are half-selected and
    // swing as in a read.
    w.bitline = a * (sensed * k.full_swing_pj(bl.cap_ff) +
                     (cols - sensed) * bl.cap_ff * cell.bitline_swing_v * k.vdd * 1e-3);
  } else {
    const Line& line = cell.separate_write_path ? wbl : bl;
    write_bl_ps += line.wire_ps(k.r_local);
    w.bitline = a * sensed * k.full_swing_pj(line.cap_ff);
    const double pulses_per_cell = static_cast<double>(cell.write_steps) / cell.cells_per_pulse;
    w.cell = a * sensed * pulses_per_cell * k.vdd * cell.write_current_ua * cell.write_pulse_ns * 1e-3;  // V·µA·ns = fJ
    write_bl_ps += cell.write_steps * cell.write_pulse_ns * 1e3;
  }
  f.write_pj = w.total();
  f.write_ns = (htree_ps + k.chain_ps(write_wl.cap_ff, rows) + wordline_ps(write_wl) + write_bl_ps) * 1e-3;

  // --- area and leakage ---
  const double subarray_um2 = sub_w * sub_h;
  // H-tree wires run in the upper metal layers over the sub-arrays and take no silicon of their own.
  f.area_mm2 = static_cast<double>(leaves) * subarray_um2 * 1e-6;
  // Periphery leaks through half its transistor width (one device of each inverter is off); the
  // repeaters' NMOS width follows from their capacitance, 0.756 of the wire's.
  const double row_width_um =
      rows * (read_driver.width + 2 * address_bits * k.f_um +
              (cell.separate_write_path ? write_driver_row.width + 2 * address_bits * k.f_um : 0.0));
  const double column_width_um = per_subarray * (8 * 4 * k.f_um + write_driver.width) + cols * 2 * 2 * k.f_um;
  const double repeater_width_um = 0.756 * k.c_wire * tree.total_um * bus_bits / (3 * k.c_gate);
  const double leaking_um = 0.5 * (static_cast<double>(leaves) * (row_width_um + column_width_um) + repeater_width_um);
  const double periphery_w = leaking_um * tech.off_current_a_per_um() * k.vdd;
  const double cells_w = static_cast<double>(leaves) * sa_bits * cell.leakage_pw_per_bit * 1e-12;
  f.leakage_mw = (periphery_w + cells_w) * 1e3;
  out.ok = true;
  return out;
}

MemoryFigures evaluate_array(const ArrayCell& cell, const MemoryRequest& req, const Tech& tech) {
  ShapedFigures best;
  double best_score = std::numeric_limits<double>::infinity();
  // Buffers of a few words get sub-arrays as small as they need.
  for (int rows = 1; rows <= 1024; rows *= 2)
    for (int cols = 1; cols <= 2048; cols *= 2)
      for (int mux = 1; mux <= 64 && mux <= cols; mux *= 2) {
        const ShapedFigures s = evaluate_shape(cell, req, tech, {rows, cols, mux});
        if (!s.ok) continue;
        const double score = s.figures.area_mm2 * s.figures.read_pj * s.figures.read_ns;
        if (score < best_score) {
          best_score = score;
          best = s;
        }
      }
  if (!best.ok)
    throw std::invalid_argument("no sub-array organisation of 1-1024 rows and 1-2048 columns holds " +
                                std::to_string(req.capacity_kib) + " KiB in " + std::to_string(req.banks) +
                                " banks with " + std::to_string(req.word_bits) + "-bit words");
  return best.figures;
}

}  // namespace cimsim::models
