#pragma once
// Writes of arrays rewritten per input (mapping.activation_products: arrays): every product of two
// activations writes its second operand into the layer's arrays before reading through them. Each
// cell written costs the cell model's write energy at its target, exactly as programming the
// weights does (programming.hpp); a rewrite takes one row at a time, the cells of a row together.

#include <cstdint>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "sim/functional/activity.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::cost {

// The cell's write cost at each digit level d = 0 … 2^cb − 1 (target G_min + d·ΔG).
std::vector<models::WriteCost> level_write_costs(const models::CellModel& cell, int bits_per_cell);

// The slowest level's write time, ns, and the mean write energy over the levels (every level
// equally likely, as for a map without weights), pJ.
double slowest_write_ns(const std::vector<models::WriteCost>& levels);
double mean_write_pj(const std::vector<models::WriteCost>& levels);
// Whether writing costs nothing at every level (a cell model without write costs): pricing the
// programming then needs no digits, nor the weight codes they come from.
bool writes_cost_nothing(const std::vector<models::WriteCost>& levels);

// Written layers' cell_writes and write_energy_pj from the cells written at each level
// (Activity::written_levels), over everything the activity covers.
void price_array_writes(functional::Activity& activity, const models::CellModel& cell, int bits_per_cell);

// The same per inference without data (an estimate): every digit level equally likely, as
// programming_cost assumes for a map without weights.
void uniform_array_writes(functional::Activity& activity, const mapping::ChipMap& chip, const models::CellModel& cell);

// Time of one rewrite of an array of `rows` rows, ns: rows × the slowest level's write time. The
// data are not known when the schedule is made, and a row of a rewritten array holds cells at the
// lowest level and above it in practice always (a differential pair stores one digit and a zero).
double array_rewrite_ns(int rows, const models::CellModel& cell, int bits_per_cell);

// Per ChipMap layer, the cycles one rewrite of the layer's arrays takes (they are written in
// parallel: the tallest array); 0 for layers not written per input.
std::vector<std::int64_t> rewrite_cycles(const mapping::ChipMap& chip, const models::CellModel& cell);

// How old a rewritten array's cells are when they are read: the write time of the tallest written
// array of the chip, s (its first row was written that long before the reads begin); 0 without one.
double written_age_s(const mapping::ChipMap& chip, const models::CellModel& cell);

// mapping.activation_products: arrays needs a cell whose writes are characterised; fails at that
// key naming the cell model otherwise.
void require_write_costs(const mapping::Architecture& arch, const models::CellModel& cell, const std::string& cell_name);

}  // namespace cimsim::cost
