#pragma once
// One chip instance: every array programmed through the cell model, kept in the form reads use.
// A read of a row block is one matrix product for all the arrays that share those rows: each ADC
// input is a linear combination of column currents (a W+ column minus its W− partner, a column minus
// the reference column, or a column alone), so its conductances are combined once, here.

#include <Eigen/Dense>

#include <cstdint>
#include <memory>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "sim/functional/drive_levels.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/workload/quantize.hpp"

namespace cimsim::functional {

class IrDrop;

// The ADC inputs of the arrays that hold one row block of a layer.
struct ProgrammedRowBlock {
  int row_begin = 0, rows = 0;
  std::vector<int> arrays;  // ChipMap::arrays indices, in the order their readouts are stacked
  std::vector<int> first_readout;  // per array: its first column in `diff`
  // Conductance each readout sees per row: G_plus − G_minus, in units of ΔG (readouts × rows: a
  // read is diff · u with the input vectors in the columns of u).
  Eigen::MatrixXf diff;
  // Per-read noise variance of each readout's own columns, units of ΔG² (readouts × rows); empty
  // when reads are noiseless.
  Eigen::MatrixXf var;
  // Per-read noise variance of each array's reference column (arrays × rows); empty when none.
  // One reference current is subtracted from every column of its array, so its noise is common
  // to all of them and drawn once per read.
  Eigen::MatrixXf reference_var;
  // Σ over every physical column of G per row, µS: a read's cell energy is Σ_i V_i²·row_g_us_i·t.
  Eigen::VectorXd row_g_us;
  // Resistance summation: Σ over every physical column of R = 1/G per row, kΩ (the chain's
  // energy is Σ over selected rows of I²·t·row_r_kohm); empty otherwise.
  Eigen::VectorXd row_r_kohm;
  // I–V non-linearity of each readout (plus minus minus), in units of ΔG per volt (nl2) and per
  // volt² (nl3), readouts × rows; empty when linear, or when the DAC drives every level at one
  // voltage and the terms were folded into `diff`.
  Eigen::MatrixXf nl2, nl3;

  // A device that read disturb flips: from read `first_read` of its row group on (reads counted
  // as vector · input slices + slice), the readouts in `targets` see `delta` more conductance
  // (units of ΔG) on its row.
  struct Disturb {
    int row = 0;  // within the row block
    std::uint64_t first_read = 0;
    float delta = 0;
    std::vector<std::pair<Eigen::Index, float>> targets;  // readout column in `diff`, sign
  };
  std::vector<Disturb> disturbs;

  // Column current limit, when the cell clips its columns' currents: the conductance above G_min
  // each readout's own column (plus) and subtracted column (minus) hang on each row (rows ×
  // readouts, units of ΔG), whether the readout subtracts a column, and the limit in the engine's
  // current unit (ΔG·V_read/(2^db − 1)). Empty / 0 when not clipping.
  Eigen::MatrixXf plus, minus;
  Eigen::Array<bool, Eigen::Dynamic, 1> has_minus;
  float clip_limit = 0;

  int over_limit = 0;  // columns of these arrays a full read drives past the cell's limit
  // false: the conductances above were dropped to keep within ProgramSettings::resident_mib, and
  // ProgrammedChip::row_block programs the block again (the same draws) when it is read. The
  // fields before `diff`, row_g_us and row_r_kohm stay either way.
  bool resident = true;
  // A block of a written layer (LayerMap::written) as one write left it: the cells written at each
  // digit level (0 … 2^cb − 1), for the write energy.
  std::vector<std::int64_t> written_levels;
  std::size_t bytes() const;  // of the conductance matrices
  void drop_conductances();
};

struct ProgrammedLayer {
  // Row blocks in row order, copy after copy (LayerMap::copies): copy k's are
  // [k·blocks_per_copy(), (k + 1)·blocks_per_copy()).
  std::vector<ProgrammedRowBlock> row_blocks;
  int copies = 1;
  std::size_t blocks_per_copy() const { return row_blocks.size() / static_cast<std::size_t>(copies); }
};

// How a chip instance is programmed and how it will be read.
struct ProgramSettings {
  std::uint64_t seed = 1;
  std::uint32_t instance = 0;
  double t_inference_s = 1;
  int threads = 1;
  const DriveLevels* drive = nullptr;  // nullptr: amplitude-coded DAC
  // Input vectors each layer (ChipMap::layers order) will read, for read disturb; empty: none.
  std::vector<std::int64_t> vectors;
  // Corners and worst-case patterns: once-per-chip draws fixed instead of drawn.
  const models::DrawOverride* draws = nullptr;
  double temperature_k = 300;              // operating temperature (run.temperature_k)
  const IrDrop* ir_drop = nullptr;         // wire resistance of the lines; nullptr: ideal wires
  // The quantized network, for the target digits of a map made without them (they are a byte per
  // cell); nullptr: the map carries them.
  const workload::QuantizedNetwork* qnet = nullptr;
  // MiB of row-block conductances kept programmed: the first blocks in network order that fit stay,
  // the rest are programmed again, with the same draws, each time they are read (results do not
  // change; time does). 0: keep every block.
  double resident_mib = 0;
  // Arrays rewritten per input (LayerMap::written) are read this long after their write, not
  // t_inference_s after the chip's programming: drift and relaxation are taken at this age.
  double written_age_s = 0;
};

// Under resistance summation (readout.summation) every "conductance" below is read as resistance
// instead: a device contributes (R_off − R)/ΔR, R = 1/G, R_off = 1/G_min, ΔR = (R_off − 1/G_max) /
// (2^cb − 1), so that digit d reads as d for binary cells (and with the spacing 1/G has for more
// levels); variances follow as σ_G/(G²·ΔR).
struct ProgrammedChip {
  double g_min_us = 0, delta_g_us = 1;
  double g_min_norm = 0;  // G_min / ΔG
  std::uint64_t seed = 0;
  std::uint32_t instance = 0;
  std::vector<ProgrammedLayer> layers;  // ChipMap::layers order; digital layers have none
  int columns_over_current_limit = 0;   // columns a full read drives past the cell's limit
  int disturbed_devices = 0;            // devices read disturb flips within the reads planned

  // The current of one input level through ΔG, the engine's unit: I_u = ΔG·V_read/(2^db − 1).
  double current_unit_ua(const mapping::ChipMap& chip) const {
    return delta_g_us * chip.arch.read_voltage_v / ((1 << chip.dac_bits) - 1);
  }

  // The conductance scale alone (g_min_us, delta_g_us, g_min_norm), nothing programmed: what an
  // estimate reports (lossless bits, current unit) without devices.
  static ProgrammedChip scale(const mapping::ChipMap& chip, const models::CellModel& cell);
  // The chip map, the cell model and whatever `settings` point to must outlive the result when a
  // budget drops blocks (row_block programs them again).
  static ProgrammedChip program(const mapping::ChipMap& chip, const models::CellModel& cell,
                                const ProgramSettings& settings);
  // Blocks [first, first + count) of layer `l` with their conductances: those kept, and those the
  // budget dropped programmed again with the same draws, for the caller alone (up to `threads` at
  // once, one thread each, or one block over all threads when fewer are dropped).
  std::vector<std::shared_ptr<const ProgrammedRowBlock>> row_blocks(std::size_t l, std::size_t first, std::size_t count,
                                                                    int threads = 1) const;
  // Whether every block of layer `l` kept its conductances.
  bool resident(std::size_t l) const;
  // The blocks of written layer `l` (LayerMap::written) after write number `write` (≥ 1) put the
  // weights `q.w` into its arrays: each array's cells programmed through the cell model, the write's
  // own draws keyed by `write`, the devices' own draws by the array as always.
  std::vector<std::shared_ptr<const ProgrammedRowBlock>> written_row_blocks(std::size_t l, const workload::QuantLayer& q,
                                                                            std::uint64_t write, int threads) const;
  // Shorthand for tests and benchmarks: amplitude DAC, no read disturb.
  static ProgrammedChip program(const mapping::ChipMap& chip, const models::CellModel& cell, std::uint64_t seed,
                                std::uint32_t instance, double t_inference_s, int threads) {
    ProgramSettings s;
    s.seed = seed;
    s.instance = instance;
    s.t_inference_s = t_inference_s;
    s.threads = threads;
    return program(chip, cell, s);
  }

 private:
  struct Context;
  std::shared_ptr<const Context> context_;
};

}  // namespace cimsim::functional
