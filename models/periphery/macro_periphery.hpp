#pragma once
// The periphery that makes an array a macro, besides its converters and drivers: the row decoder,
// the word-line drivers, the column multiplexers in front of shared ADCs and the macro's own
// control, each built from gates sized in F at the technology node (models/tech/gates.hpp), as
// NeuroSim derives its periphery (Chen, Peng and Yu, IEEE TCAD 2018). docs/energy-area.md gives
// the formulas. The `macro` section picks the circuit or leaves the periphery out.

#include "sim/config/params.hpp"

namespace cimsim::models {

struct Tech;

// Area per array and energy per action of one macro's periphery.
struct MacroPeriphery {
  bool modelled = false;
  // µm² per array.
  double row_decoder_um2 = 0, wordline_drivers_um2 = 0, column_mux_um2 = 0, control_um2 = 0;
  // pJ: a row group selected (reads of rows_per_read rows), a word line driven (one per row and
  // read, with access transistors), a column switched onto its ADC (per conversion), and the
  // control stepping one read and one conversion.
  double decode_pj = 0, wordline_pj = 0, mux_pj = 0, control_read_pj = 0, control_conversion_pj = 0;
};

struct MacroGeometry {
  int rows = 128, cols = 128;
  int columns_per_adc = 1;
  int max_input_slices = 1;  // the most slices a layer reads per vector
  double cell_area_f2 = 4;   // sets the cell pitch along a word line
};

// From the validated `macro` section.
MacroPeriphery macro_periphery(const config::Params& macro, const MacroGeometry& g, const Tech& tech);

}  // namespace cimsim::models
