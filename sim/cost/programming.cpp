#include "sim/cost/programming.hpp"

#include <algorithm>

#include "models/cells/cell_model.hpp"
#include "models/memories/dram.hpp"
#include "sim/cost/array_writes.hpp"
#include "sim/mapping/placement.hpp"
#include "sim/util/parallel.hpp"

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
                                 const workload::QuantizedNetwork* qnet, int threads) {
  const std::vector<models::WriteCost> level = level_write_costs(cell, chip.arch.bits_per_cell);
  const double slowest = slowest_write_ns(level), mean_energy = mean_write_pj(level);

  ProgrammingCost p;
  p.characterised = level.front().characterised;
  p.endurance_writes = p.characterised ? cell.endurance_writes() : 0;
  const mapping::ProgrammingRounds rounds = mapping::programming_rounds(chip);
  p.round_cells.assign(static_cast<std::size_t>(rounds.count), 0);
  p.round_time_ns.assign(static_cast<std::size_t>(rounds.count), 0);
  p.round_energy_pj.assign(static_cast<std::size_t>(rounds.count), 0);
  // A cell without write costs prices every level at zero: no digits to compute.
  const bool free = writes_cost_nothing(level);
  // Arrays rewritten per input hold nothing ahead of the run (array_writes.hpp prices their writes).
  auto written = [&](const mapping::ArrayMap& a) { return chip.layers[static_cast<std::size_t>(a.layer_map)].written; };
  struct Priced {
    double time = 0, energy = 0;
  };
  std::vector<Priced> priced(chip.arrays.size());
  util::parallel_for(chip.arrays.size(), threads, [&](std::size_t i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    const std::int64_t cells = static_cast<std::int64_t>(a.rows) * a.columns;
    Priced& out = priced[i];
    if (free || written(a)) return;
    mapping::MatrixXu8 computed;
    const mapping::MatrixXu8& digits = mapping::digits_of(chip, a, qnet, computed);
    if (digits.size() == cells) {
      // Cells per level, and each row's slowest cell (a row takes as long as it): down the
      // columns, as the digits are column-major.
      std::vector<std::int64_t> count(level.size(), 0);
      std::vector<double> row_time(static_cast<std::size_t>(a.rows), 0.0);
      for (int col = 0; col < a.columns; ++col)
        for (int row = 0; row < a.rows; ++row) {
          const std::uint8_t d = digits(row, col);
          ++count[d];
          double& t = row_time[static_cast<std::size_t>(row)];
          t = std::max(t, level[d].time_ns);
        }
      for (std::size_t d = 0; d < level.size(); ++d) out.energy += static_cast<double>(count[d]) * level[d].energy_pj;
      for (double t : row_time) out.time += t;
    } else {
      // No digits (a shape-only map): every level equally likely, the slowest in every row.
      out.time = a.rows * slowest;
      out.energy = static_cast<double>(cells) * mean_energy;
    }
  });
  for (std::size_t i = 0; i < chip.arrays.size(); ++i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    if (written(a)) continue;
    const std::size_t r = static_cast<std::size_t>(rounds.of_layer[static_cast<std::size_t>(a.layer_map)]);
    const std::int64_t cells = static_cast<std::int64_t>(a.rows) * a.columns;
    const double time = priced[i].time, energy = priced[i].energy;
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
