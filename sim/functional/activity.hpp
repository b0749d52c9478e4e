#pragma once
// What the arrays and their periphery did: action counts and the data-dependent cell read energy.
// The functional engine measures these over a data set; the timing engine counts the same
// actions for one inference, and a test holds the two to the same numbers.

#include <Eigen/Core>

#include <cstdint>
#include <map>
#include <vector>

namespace cimsim::functional {

struct ActionCounts {
  std::int64_t array_reads = 0;     // one array, one input slice, one group of active rows
  std::int64_t dac_drives = 0;      // one row driven for one read
  std::int64_t conversions = 0;     // ADC conversions
  std::int64_t sample_holds = 0;    // S&H samples (one per conversion)
  std::int64_t shift_adds = 0;      // shift-and-add operations (one per conversion)
  std::int64_t digital_adds = 0;    // partial sums, G_min and offset removal, bias
  std::int64_t digital_mults = 0;   // requantization scales, average-pool scales
  std::int64_t digital_compares = 0;  // max pooling
  double cell_energy_pj = 0;        // Σ V²·G·t over every cell of every read
  double dac_energy_pj = 0;         // Σ over row drives of the driver's energy at its level
  std::int64_t cell_writes = 0;     // cells written per input (arrays rewritten per input)
  double write_energy_pj = 0;       // Σ over those writes of the cell's write energy at its target

  ActionCounts& operator+=(const ActionCounts& o);
  bool same_counts(const ActionCounts& o) const;  // every integer count equal
};

// How often each input row of a matrix layer was driven at each DAC level, over every read: rows
// (the layer's inputs) × levels. The data-dependent read energies are priced from these counts
// once, at the end, so that they come out bit-identical however the reads were cut into batches.
using RowLevels = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;

struct Activity {
  std::int64_t samples = 0;
  std::vector<ActionCounts> layers;  // per mapped layer (ChipMap::layers order)
  std::vector<RowLevels> row_levels;  // per mapped layer; empty for digital layers and estimates
  // Layers rewritten per input (LayerMap::written), per mapped layer: the cells written at each
  // digit level, and the cell read energy of each write's reads by write number (its conductances
  // are its own), summed in write order once every batch is in so that the sum is bit-identical.
  std::vector<std::vector<std::int64_t>> written_levels;
  std::vector<std::map<std::int64_t, double>> written_cell_pj;

  void add(const Activity& o);
  ActionCounts total() const;
};

}  // namespace cimsim::functional
