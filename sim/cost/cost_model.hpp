#pragma once
// Energy and area (docs/design.md §6). Energy is counts × energy per action: counts from the timing
// engine, the data-dependent cell read energy (Σ V²·G·t) from the functional engine; leakage is
// static power × the simulated time. Area is the provisioned chip: every tile, array, converter,
// buffer, digital unit and link, used or not. Buffers, digital logic, control and interconnect
// scale with the tech node unless their sections pin a value (docs/energy-area.md).

#include <string>
#include <utility>
#include <vector>

#include "models/memories/chip_buffers.hpp"
#include "sim/config/params.hpp"
#include "sim/cost/programming.hpp"
#include "sim/engine/timing.hpp"
#include "sim/functional/activity.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::models {
class CellModel;
class AdcModel;
class DacModel;
}  // namespace cimsim::models

namespace cimsim::cost {

// Named amounts in a fixed order (pJ for energy, mm² for area).
using Breakdown = std::vector<std::pair<std::string, double>>;
double sum(const Breakdown& b);
// The macro: the arrays and their periphery (drivers, sample-and-holds, converters, shift-adds,
// decoders, word-line drivers, column multiplexers, macro control) — what a published macro's
// TOPS/W and TOPS/mm² count. Everything else (buffers, interconnect, digital units, chip control,
// leakage) is chip-level.
bool is_macro_component(const std::string& name);
double macro_sum(const Breakdown& b);
// The amount named `name`; a name the breakdown does not have is a logic error.
double component(const Breakdown& b, const std::string& name);

struct EnergyPerAction {
  double dac_pj, sample_hold_pj, adc_pj, shift_add_pj, add_pj, mult_pj;
  double bus_pj_per_bit;  // per bit and link crossed
  // Buffers, per bit read or written, and off-chip DRAM per bit moved.
  double input_read_pj_per_bit = 0, input_write_pj_per_bit = 0, output_write_pj_per_bit = 0;
  double global_read_pj_per_bit = 0, global_write_pj_per_bit = 0;
  double dram_pj_per_bit = 0;
  double compare_pj = 0, control_pj = 0;
  // Macro periphery: per row group selected, word line driven, column switched to its ADC, and
  // the macro control per read and per conversion.
  double decode_pj = 0, wordline_pj = 0, mux_pj = 0, macro_control_read_pj = 0, macro_control_conversion_pj = 0;
  double leakage_w = 0;  // static power of every buffer while powered
  double io_w = 0;       // the off-chip links' power while the chip runs
};

struct CostResult {
  EnergyPerAction per_action;
  Breakdown energy;                     // per inference, per component
  std::vector<Breakdown> layer_energy;  // per mapped layer, per inference
  Breakdown area;                       // chip, per component
  Breakdown area_per_unit;              // the unit areas used (µm² or mm² as named)
  double tile_mm2 = 0;                  // one tile with everything in it
  double tiles = 0;                     // tiles on the chip (buffer instances)
  // What the network uses of the chip: the tiles that hold its layers, and per mapped layer its
  // arrays with their periphery and their share of their tiles' buffers, digital unit and control.
  double used_tiles_mm2 = 0;
  std::vector<double> layer_area_mm2;
  double link_mm = 0;                   // length of one mesh link (the tile pitch) or of the bus
  ProgrammingCost programming;          // writing the weights, apart from inference
  models::ChipBuffers buffers;          // each kind of buffer as its technology builds it
  // Static energy per inference of each kind of buffer (all its instances), pJ: a volatile buffer
  // leaks for the whole run, a non-volatile one only while it is accessed (power-gated when idle).
  double input_leakage_pj = 0, output_leakage_pj = 0, global_leakage_pj = 0;
};

struct CostInputs {
  const mapping::ChipMap& chip;
  const engine::TimingResult& timing;
  const functional::Activity& activity;  // mean per inference (cell energy)
  const models::CellModel& cell;
  const models::AdcModel& adc;
  const models::DacModel& dac;
  const config::Config& config;
};

CostResult compute_costs(const CostInputs& in);

}  // namespace cimsim::cost
