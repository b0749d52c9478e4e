#pragma once
// Energy and area (DESIGN §6). Energy is counts × energy per action: counts from the timing
// engine, the data-dependent cell read energy (Σ V²·G·t) from the functional engine; leakage is
// static power × the simulated time. Area is the provisioned chip: every tile, array, converter,
// buffer, digital unit and link, used or not. Buffers, digital logic, control and interconnect
// scale with the tech node unless their sections pin a value (docs/energy-area.md).

#include <string>
#include <utility>
#include <vector>

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
// The amount named `name`; a name the breakdown does not have is a logic error.
double component(const Breakdown& b, const std::string& name);

struct EnergyPerAction {
  double dac_pj, sample_hold_pj, adc_pj, shift_add_pj, add_pj, mult_pj;
  double sram_pj_per_bit;  // tile input buffer
  double bus_pj_per_bit;   // per bit and link crossed
  double output_buffer_pj_per_bit = 0, global_buffer_pj_per_bit = 0;
  double compare_pj = 0, control_pj = 0;
  double leakage_w = 0;  // static power of every buffer
};

struct CostResult {
  EnergyPerAction per_action;
  Breakdown energy;                     // per inference, per component
  std::vector<Breakdown> layer_energy;  // per mapped layer, per inference
  Breakdown area;                       // chip, per component
  Breakdown area_per_unit;              // the unit areas used (µm² or mm² as named)
  double tile_mm2 = 0;                  // one tile with everything in it
  // What the network uses of the chip: the tiles that hold its layers, and per mapped layer its
  // arrays with their periphery and their share of their tiles' buffers, digital unit and control.
  double used_tiles_mm2 = 0;
  std::vector<double> layer_area_mm2;
  double link_mm = 0;                   // length of one mesh link (the tile pitch) or of the bus
  ProgrammingCost programming;          // writing the weights, apart from inference
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
