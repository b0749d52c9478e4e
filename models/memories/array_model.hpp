#pragma once
// An NVSim-style array model (after the structure of Dong, Xu, Xie and Jouppi, "NVSim: a
// circuit-level performance, energy, and area model for emerging nonvolatile memory", IEEE TCAD
// 2012): a buffer is banks of sub-arrays reached through an H-tree; one access routes the address
// to the sub-arrays that hold the word, decodes a row, raises its word line, develops the bit
// lines, senses (or writes) the word's columns and routes the data back. Every component's energy
// and delay comes from the cell's parameters and the technology node's circuit constants
// (models/tech); the sub-array size and column multiplexing are searched, and the organisation
// with the smallest area × read energy × read latency is kept. Formulas: docs/memories.md.

#include <string>

#include "models/memories/memory_model.hpp"

namespace cimsim::models {

// What the array model needs to know about a bit cell.
struct ArrayCell {
  std::string technology;
  bool nonvolatile = false;
  double area_um2 = 0;
  double aspect = 1;  // width / height
  // Transistor gate width each cell hangs on the read word line, and on the write word line (the
  // same line unless the cell has a separate write path), µm.
  double read_gate_um = 0, write_gate_um = 0;
  bool separate_write_path = false;
  // Diffusion each cell hangs on its read bit line, and on its write bit line, µm.
  double read_drain_um = 0, write_drain_um = 0;

  enum class Sensing { Voltage, Current };
  Sensing sensing = Sensing::Voltage;
  // Voltage sensing (SRAM): the cell discharges a precharged bit line with read_current_ua until
  // the swing the sense amplifier resolves, bitline_swing_v, has developed.
  double read_current_ua = 0, bitline_swing_v = 0.1;
  // Current sensing (MRAM): a clamp holds the bit line at read_voltage_v across the cell; the sense
  // amplifier needs sense_ns to tell low_kohm from high_kohm.
  double read_voltage_v = 0, low_kohm = 0, high_kohm = 0, sense_ns = 0;

  // Writes: full-swing bit lines (SRAM), or a current pulse of write_current_ua for write_pulse_ns
  // through each written cell, drawn from the supply (MRAM).
  bool full_swing_write = true;
  double write_current_ua = 0, write_pulse_ns = 0;
  // Pulses a write applies one after another (two when each polarity takes its own pulse), and
  // cells one pulse writes at once (cells sharing a write path).
  int write_steps = 1;
  int cells_per_pulse = 1;

  double leakage_pw_per_bit = 0;  // static power of one cell while powered (0: non-volatile)
};

// Sub-array rows and columns and column multiplexing of one candidate organisation.
struct ArrayShape {
  int rows = 0, cols = 0, mux = 1;
};

// Figures of one organisation; `ok` is false when it cannot hold the request (a sub-array larger
// than a bank, or a word wider than every sub-array of a bank delivers).
struct ShapedFigures {
  bool ok = false;
  MemoryFigures figures;
};
ShapedFigures evaluate_shape(const ArrayCell& cell, const MemoryRequest& request, const Tech& tech, ArrayShape shape);

// The organisation with the smallest area × read energy × read latency over sub-arrays of 1 to
// 1024 rows, 1 to 2048 columns and column multiplexing 1 to 64 (powers of two). Throws
// std::invalid_argument when no organisation holds the request.
MemoryFigures evaluate_array(const ArrayCell& cell, const MemoryRequest& request, const Tech& tech);

// Delay of an optimally repeated wire of length `mm` (Bakoglu and Meindl, IEEE TED 1985:
// 2.5·sqrt(R0·C0·r·c) per unit length), or of the unrepeated wire when that is faster, ns.
double wire_delay_ns(const Tech& tech, double mm, double ohm_per_um);
// Capacitance a switching bit sees on a repeated wire of length `mm`: the wire plus the
// repeaters' input capacitance, 0.756 of the wire's at Bakoglu's optimum, fF.
double repeated_wire_ff(const Tech& tech, double mm);

}  // namespace cimsim::models
