#pragma once
// Writing the weights into the cells (reported apart from inference): every cell is programmed to
// its target conductance G_min + d·ΔG with the cell model's write cost (program-and-verify pulses,
// energy, time). Arrays program in parallel; within an array one row at a time, the cells of a row
// together, so a row takes as long as its slowest cell. With several programming rounds
// (chip.reprogram) the arrays are rewritten between rounds: those writes stall the run and wear
// the cells.

#include <cstdint>
#include <vector>

#include "sim/mapping/mapping.hpp"

namespace cimsim::models {
class CellModel;
struct Dram;
}

namespace cimsim::cost {

struct ProgrammingCost {
  bool characterised = false;  // the cell model gives write costs
  std::int64_t cells = 0;      // cells written to hold every weight once
  double energy_pj = 0;        // writing every weight once
  std::vector<std::int64_t> round_cells;
  std::vector<double> round_time_ns;   // per programming round (arrays in parallel)
  std::vector<double> round_energy_pj;
  double endurance_writes = 0;  // per cell; 0 when not characterised
  double dram_bits = 0;         // weight bits fetched from DRAM to write every weight once

  int rounds() const { return static_cast<int>(round_time_ns.size()); }
  // Rewrites during one batch (rounds 1..R−1), then round 0 again for the next batch: in steady
  // state every round is written once per batch.
  double reprogram_energy_per_batch_pj() const;
  double reprogram_time_per_batch_ns() const;  // within the batch (rounds 1..R−1)
  // Writes one array position takes per batch in steady state (one per round it serves).
  int writes_per_cell_per_batch() const { return rounds() > 1 ? rounds() : 0; }
};

// Arrays without digits take them from `qnet` when given (an estimate's map keeps none); a map
// from shapes alone (no weights) assumes every level equally likely. Arrays are priced over
// `threads` (0: every core) and summed in order: the result does not depend on the count.
ProgrammingCost programming_cost(const mapping::ChipMap& chip, const models::CellModel& cell,
                                 const workload::QuantizedNetwork* qnet = nullptr, int threads = 1);

// With DRAM, the weights every round writes come from it: each round's bits (cells × bits per
// cell) cost the DRAM's energy per bit, and a round takes at least the time to stream them in.
void add_weight_fetch(ProgrammingCost& p, const models::Dram& dram, int bits_per_cell);

// Round write times in clock cycles, as the timing engine takes them.
std::vector<std::int64_t> round_write_cycles(const ProgrammingCost& p, const mapping::Architecture& arch);

}  // namespace cimsim::cost
