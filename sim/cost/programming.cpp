#include "sim/cost/programming.hpp"

#include <algorithm>

#include "models/cells/cell_model.hpp"
#include "models/memories/dram.hpp"
#include "sim/cost/array_writes.hpp"
#include "sim/mapping/placement.hpp"

namespace cimsim::cost {

double ProgrammingCost::reprogram_energy_per_batch_pj() const {
  if (rounds() < 2) return 0;
  double e = 0;
  for (double x : round_energy_pj) e += x;
  return e;
}

double ProgrammingCost::reprogram_time_per_batch_ns() const {
  double t = 0;
  for (std::size_t r = 1; r < round_time_ns.size(); ++r) t += round_time_ns[r];
  return t;
}

ProgrammingCost programming_cost(const mapping::ChipMap& chip, const models::CellModel& cell,
                                 const workload::QuantizedNetwork* qnet) {
  const int levels = 1 << chip.arch.bits_per_cell;
  const std::vector<models::WriteCost> level = level_write_costs(cell, chip.arch.bits_per_cell);
  double slowest = 0, mean_energy = 0;
  for (const auto& w : level) {
    slowest = std::max(slowest, w.time_ns);
    mean_energy += w.energy_pj / levels;
  }

  ProgrammingCost p;
  p.characterised = level.front().characterised;
  p.endurance_writes = p.characterised ? cell.endurance_writes() : 0;
  const mapping::ProgrammingRounds rounds = mapping::programming_rounds(chip);
  p.round_cells.assign(static_cast<std::size_t>(rounds.count), 0);
  p.round_time_ns.assign(static_cast<std::size_t>(rounds.count), 0);
  p.round_energy_pj.assign(static_cast<std::size_t>(rounds.count), 0);
  for (const mapping::ArrayMap& a : chip.arrays) {
    // Arrays rewritten per input hold nothing ahead of the run (array_writes.hpp prices their writes).
    if (chip.layers[static_cast<std::size_t>(a.layer_map)].written) continue;
    const std::size_t r = static_cast<std::size_t>(rounds.of_layer[static_cast<std::size_t>(a.layer_map)]);
    const std::int64_t cells = static_cast<std::int64_t>(a.rows) * a.columns;
    double time = 0, energy = 0;
    mapping::MatrixXu8 computed;
    const mapping::MatrixXu8& digits = mapping::digits_of(chip, a, qnet, computed);
    if (digits.size() == cells) {
      // Down the columns (the digits are column-major), each row keeping its slowest cell.
      std::vector<double> row_time(static_cast<std::size_t>(a.rows), 0.0);
      for (int col = 0; col < a.columns; ++col)
        for (int row = 0; row < a.rows; ++row) {
          const auto& w = level[digits(row, col)];
          row_time[static_cast<std::size_t>(row)] = std::max(row_time[static_cast<std::size_t>(row)], w.time_ns);
          energy += w.energy_pj;
        }
      for (double t : row_time) time += t;
    } else {
      // No digits (a shape-only map): every level equally likely, the slowest in every row.
      time = a.rows * slowest;
      energy = static_cast<double>(cells) * mean_energy;
    }
    p.cells += cells;
    p.energy_pj += energy;
    p.round_cells[r] += cells;
    p.round_energy_pj[r] += energy;
    p.round_time_ns[r] = std::max(p.round_time_ns[r], time);
  }
  return p;
}

void add_weight_fetch(ProgrammingCost& p, const models::Dram& dram, int bits_per_cell) {
  if (!dram.enabled) return;
  for (std::size_t r = 0; r < p.round_cells.size(); ++r) {
    const double bits = static_cast<double>(p.round_cells[r]) * bits_per_cell;
    p.dram_bits += bits;
    p.energy_pj += bits * dram.pj_per_bit;
    p.round_energy_pj[r] += bits * dram.pj_per_bit;
    p.round_time_ns[r] = std::max(p.round_time_ns[r], dram.ns_for(bits));
  }
}

std::vector<std::int64_t> round_write_cycles(const ProgrammingCost& p, const mapping::Architecture& arch) {
  std::vector<std::int64_t> out;
  for (double ns : p.round_time_ns) out.push_back(arch.cycles_of_ns(ns));
  return out;
}

}  // namespace cimsim::cost
