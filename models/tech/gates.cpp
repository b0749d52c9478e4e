#include "models/tech/gates.hpp"

#include <algorithm>
#include <cmath>

#include "models/tech/tech.hpp"

namespace cimsim::models {

namespace {
// Widest unfolded transistor: half of the cell after the N-P diffusion gap and the poly end caps.
constexpr double kGapNpF = 3.5, kPolyEndF = 1.8;
constexpr double kMaxUnfoldedF = (Gates::kCellHeightF - kGapNpF - 2 * kPolyEndF) / 2;
}  // namespace

Gates::Gates(const Tech& tech)
    : f_um_(tech.f_um()), vdd_v_(tech.vdd_v), cap_per_f_(tech.gate_cap_ff_per_um * tech.f_um()) {}

double Gates::cap_ff(double width_f) const { return width_f * cap_per_f_; }
double Gates::energy_fj(double ff) const { return ff * vdd_v_ * vdd_v_; }
double Gates::columns_um2(double columns) const {
  return kCellHeightF * kPolyPitchF * (columns + 1) * f_um_ * f_um_;
}
double Gates::columns_of(double width_f) const { return std::max(1.0, std::ceil(width_f / kMaxUnfoldedF - 1e-9)); }

namespace {
// A gate of `inputs` columns pairs of NMOS `wn` and PMOS `wp`: area and switched gate + drain capacitance.
Circuit gate_of(const Gates& g, int inputs, double wn, double wp) {
  const double columns = inputs * std::max(g.columns_of(wn), g.columns_of(wp));
  return {g.columns_um2(columns), 2 * g.cap_ff(inputs * (wn + wp))};
}
}  // namespace

Circuit Gates::inverter(double scale) const { return gate_of(*this, 1, kMinWidthF * scale, kMinWidthF * kPnRatio * scale); }

Circuit Gates::nand(int inputs) const { return gate_of(*this, inputs, kMinWidthF * inputs, kMinWidthF * kPnRatio); }

Circuit Gates::nor(int inputs) const { return gate_of(*this, inputs, kMinWidthF, kMinWidthF * kPnRatio * inputs); }

Circuit Gates::transmission_gate(double width_f) const { return gate_of(*this, 1, width_f, width_f); }

Circuit Gates::flip_flop() const {
  Circuit ff = transmission_gate(kMinWidthF) * 4;
  ff += inverter() * 4;
  return ff;
}

Circuit Gates::comparator() const {
  const double p = 7.5, n = 3.75, iso = 12.5, en = 5;
  // Columns: the two latch pairs, the two isolation devices and the enable device.
  const double columns = 2 * std::max(columns_of(n), columns_of(p)) + 2 * columns_of(iso) + columns_of(en);
  return {columns_um2(columns), 2 * cap_ff(2 * p + 2 * n + 2 * iso + en)};
}

}  // namespace cimsim::models
