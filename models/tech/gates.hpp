#pragma once
// CMOS gates drawn from their transistors, for periphery whose area and energy follow from
// transistor sizes and the node, the way NeuroSim (Chen, Peng and Yu, IEEE TCAD 2018) and CACTI
// build theirs. Widths are in units of F. Pure C++.
//
// Layout: a gate is a row of transistor columns in a standard cell of height H = 28 F; each column
// holds one NMOS over one PMOS and takes one poly pitch p = 3.8 F (1 F gate, 2.8 F to the next
// gate), plus one pitch for the end contacts. A transistor wider than fits half the cell (after
// the 3.5 F gap between N and P diffusions and 1.8 F of poly end cap on each side) folds into
// several columns. Area = H · p · (columns + 1).
//
// Energy: an operation charges and discharges the capacitance that switches: C·Vdd². A gate's
// own switched capacitance is its transistors' gate capacitance plus their drain capacitance,
// taken equal to the gate's (a first-order estimate). Gate capacitance: tech.gate_cap_ff_per_um
// times the drawn width.

namespace cimsim::models {

struct Tech;

// Area and the capacitance one operation switches.
struct Circuit {
  double area_um2 = 0;
  double switched_ff = 0;
  Circuit& operator+=(const Circuit& o) {
    area_um2 += o.area_um2;
    switched_ff += o.switched_ff;
    return *this;
  }
  Circuit operator*(double n) const { return {area_um2 * n, switched_ff * n}; }
  Circuit operator+(const Circuit& o) const { return Circuit(*this) += o; }
};

class Gates {
 public:
  static constexpr double kCellHeightF = 28;   // NeuroSim's bulk standard-cell height
  static constexpr double kPolyPitchF = 3.8;   // gate poly 1 F + gap 2.8 F
  static constexpr double kMinWidthF = 2;      // NeuroSim's minimum NMOS width
  static constexpr double kPnRatio = 2;        // PMOS twice the NMOS width for equal drive

  explicit Gates(const Tech& tech);

  // Gate capacitance of a transistor `width_f` wide, fF.
  double cap_ff(double width_f) const;
  // Energy of switching `ff` once (charge and discharge), fJ.
  double energy_fj(double ff) const;
  // Area of `columns` transistor columns, µm².
  double columns_um2(double columns) const;
  // Columns a transistor `width_f` wide takes (folded when wider than half the cell).
  double columns_of(double width_f) const;

  // Static gates: an inverter sized `scale` times the minimum; k-input NAND and NOR with series
  // transistors widened k times for the inverter's drive.
  Circuit inverter(double scale = 1) const;
  Circuit nand(int inputs) const;
  Circuit nor(int inputs) const;
  // A transmission gate (NMOS and PMOS of `width_f`), switched per select.
  Circuit transmission_gate(double width_f) const;
  // Master-slave flip-flop of four transmission gates and four inverters (16 minimum transistors),
  // switched per clock edge pair with its data toggling.
  Circuit flip_flop() const;
  // Latched sense amplifier / comparator with CACTI's sizing (PMOS 2 × 7.5 F, NMOS 2 × 3.75 F,
  // isolation 2 × 12.5 F, enable 5 F; Thoziyoor et al., CACTI 5.1 technical report, HP Labs 2008),
  // switched per decision.
  Circuit comparator() const;

 private:
  double f_um_, vdd_v_, cap_per_f_;
};

}  // namespace cimsim::models
