#pragma once
// The on-chip matrix product: inputs cut into slices and driven onto the rows of every array that
// holds the layer, column currents summed from the programmed conductances, read noise added,
// converted by the ADC, and shift-added back into integers (docs/design.md §4).
//
// How it is computed, for speed: the input vectors are processed in chunks; for each row block,
// one matrix product gives every ADC input of every array on those rows, for every input slice
// of every vector in the chunk (inputs on the rows, readouts in the columns). Noise variances are a
// second product; conversion and shift-add are vectorised over the vectors of a chunk. Results do
// not depend on how chunks are spread over threads.

#include <Eigen/Dense>

#include <functional>
#include <memory>
#include <vector>

#include "models/periphery/adc.hpp"
#include "sim/functional/activity.hpp"
#include "sim/functional/calibration.hpp"
#include "sim/functional/drive_levels.hpp"
#include "sim/functional/full_scale.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/functional/reference.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

class CrossbarBackend final : public MatrixBackend {
 public:
  // With a recorder, conversions are exact and ADC inputs are recorded (calibration pass).
  // `threads` > 1 spreads the chunks of a layer over that many threads.
  // `drive` gives the DAC's per-level behaviour (energies, non-linear charge); nullptr: an
  // amplitude DAC whose drive energy is not counted.
  CrossbarBackend(const mapping::ChipMap& chip, const ProgrammedChip& programmed, const models::AdcModel& adc,
                  const FullScalePlan& plan, CalibrationRecorder* recorder = nullptr, int threads = 1,
                  const DriveLevels* drive = nullptr);

  Eigen::MatrixXd multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                           std::int64_t first_vector) override;
  // Writes `q.w` into the written layer's arrays (write number `write` + 1: 0 is the chip's
  // programming), then reads the vectors through them; the write's levels and its reads' cell
  // energy go into the activity (written_arrays.cpp).
  Eigen::MatrixXd multiply_written(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                   std::int64_t first_vector, std::int64_t write) override;
  // Each vector's reads, draws and conversions follow its global number, whatever call it is in.
  bool splits_vectors() const override { return true; }

  // What the reads did, read energies priced.
  Activity activity() const;
  // The same, unpriced: counts add up exactly across backends; price_read_energy prices them.
  const Activity& counts() const { return activity_; }
  // Vectors per chunk of a layer: the grid the layer's vectors are cut on, whatever the batch.
  static Eigen::Index chunk_vectors(const mapping::LayerMap& lm);
  // Digital output scales per ChipMap layer (drift compensation); applied to layers marked
  // output_scaling, one multiply per output.
  void set_output_scales(const std::vector<Eigen::VectorXd>* scales) { scales_ = scales; }

 private:
  struct Chunk;
  using Blocks = std::vector<std::shared_ptr<const ProgrammedRowBlock>>;
  using BlockSource = std::function<Blocks(std::size_t pass)>;
  // The product through the layer's row blocks (as programmed, or as a write left them), in
  // `passes` over the vectors: pass p reads the blocks `blocks_of(p)` gives, in block order. The
  // blocks are those of copy `copy` of the weights (LayerMap::copies), `first_vector` its own number.
  Eigen::MatrixXd run_layer(const workload::QuantLayer& q, const Eigen::MatrixXi& codes, std::int64_t first_vector,
                            std::size_t passes, const BlockSource& blocks_of, int copy = 0);
  // Runs `count` vectors (codes columns from `first`, global numbers from `vector0`) placed from row
  // `pad` of a chunk of `rows` vectors through the row `blocks`, adding to what `out` holds from the
  // chunk's earlier passes (an empty `out`: the first).
  void run_chunk(int layer_map, const Blocks& blocks,
                 const Eigen::MatrixXi& codes, Eigen::Index first, Eigen::Index count, Eigen::Index pad,
                 Eigen::Index rows, std::uint64_t vector0, Chunk& out) const;

  const mapping::ChipMap& chip_;
  const ProgrammedChip& programmed_;
  const models::AdcModel& adc_;
  const FullScalePlan& plan_;
  DriveLevels drive_;
  CalibrationRecorder* recorder_;
  int threads_;
  const std::vector<Eigen::VectorXd>* scales_ = nullptr;
  Activity activity_;
};

}  // namespace cimsim::functional
