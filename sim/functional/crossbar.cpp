#include "sim/functional/crossbar.hpp"
#include "sim/functional/crossbar_chunk.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <mutex>

#include "sim/functional/read_energy.hpp"
#include "sim/util/parallel.hpp"

namespace cimsim::functional {

namespace {

// Digit matrices of a chunk stay around this many floats (4 MB), whatever the layer's width: the
// products, their transposes and the noise of a chunk then stay in cache between the passes over
// them (16 MB chunks took about 10 % more CPU time on configs/digits_cnn.yaml and 20 MB more memory).
constexpr Eigen::Index kChunkFloats = Eigen::Index{1} << 20;
// Chunks start and end on multiples of this many vector numbers (padding with zero inputs).
constexpr Eigen::Index kVectorAlign = 8;

}  // namespace

// Why chunks are aligned: in a product diff · u with the vectors in the columns of u, a column's
// result depends on whether the GEMM kernel handles it in a full panel of columns (Eigen's panels
// are 4 wide) or in the ragged remainder, and nothing else. With every chunk starting and ending
// on a multiple of 8 vector numbers, every vector is in a full panel whatever the batch size or
// thread count, so results are bit-identical across them (tests/test_batch_invariance.cpp).
Eigen::Index CrossbarBackend::chunk_vectors(const mapping::LayerMap& lm) {
  const Eigen::Index per_vector = std::max<Eigen::Index>(1, static_cast<Eigen::Index>(lm.in) *
                                                                static_cast<Eigen::Index>(lm.input_slices.size()));
  return std::max<Eigen::Index>(kVectorAlign, kChunkFloats / per_vector / kVectorAlign * kVectorAlign);
}

CrossbarBackend::CrossbarBackend(const mapping::ChipMap& chip, const ProgrammedChip& programmed,
                                 const models::AdcModel& adc, const FullScalePlan& plan,
                                 CalibrationRecorder* recorder, int threads, const DriveLevels* drive)
    : chip_(chip), programmed_(programmed), adc_(adc), plan_(plan),
      drive_(drive ? *drive : DriveLevels::amplitude(chip)),
      recorder_(recorder), threads_(threads) {
  activity_.layers.resize(chip.layers.size());
  activity_.row_levels.resize(chip.layers.size());
}

Activity CrossbarBackend::activity() const {
  Activity priced = activity_;
  price_read_energy(priced, programmed_, drive_);
  return priced;
}

Eigen::MatrixXd CrossbarBackend::run_layer(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                           std::int64_t first_vector, std::size_t passes, const BlockSource& blocks_of,
                                           int copy) {
  const mapping::LayerMap* lm = chip_.find_layer(q.layer);
  const int lm_index = static_cast<int>(lm - chip_.layers.data());
  const mapping::Architecture& arch = chip_.arch;
  const Eigen::Index vectors = codes.cols();
  const int n_slices = static_cast<int>(lm->input_slices.size());

  // Chunks of per_chunk vector numbers from the aligned number at or below the first vector; the
  // last one ends on the next aligned number. At most chunk_vectors long, and in whole rounds of the
  // threads: the deep layers of one image have a few dozen vectors, which one chunk each would
  // leave to one thread. (Results do not depend on the chunks.)
  const std::int64_t end = first_vector + vectors;
  const std::int64_t start = first_vector - first_vector % kVectorAlign;
  const std::int64_t longest = chunk_vectors(*lm);
  std::int64_t chunks = (end - start + longest - 1) / longest;
  if (threads_ > 1) chunks = (chunks + threads_ - 1) / threads_ * threads_;
  const std::int64_t even = (end - start + chunks - 1) / chunks;
  const auto per_chunk = static_cast<Eigen::Index>((even + kVectorAlign - 1) / kVectorAlign * kVectorAlign);
  const auto n_chunks = static_cast<std::size_t>((end - start + per_chunk - 1) / per_chunk);
  // (first valid vector among this call's, valid count, its place in the chunk, chunk width)
  auto chunk_range = [&](std::size_t c) {
    const std::int64_t lo = start + static_cast<std::int64_t>(c) * per_chunk;
    const std::int64_t hi = std::min<std::int64_t>(lo + per_chunk, end);
    const std::int64_t from = std::max(lo, first_vector);
    const std::int64_t width = (hi - lo + kVectorAlign - 1) / kVectorAlign * kVectorAlign;
    return std::array<Eigen::Index, 4>{from - first_vector, hi - from, from - lo, width};
  };
  // Each chunk lands as soon as its last pass is done, so that in one pass only the chunks in flight
  // are held: outputs in their own columns, row-level counts (integers) and calibration sets (top-m
  // sets merge exactly in any order) added under a lock. A chunk adds its blocks' outputs in block
  // order whatever the passes, so the result does not depend on them.
  Eigen::MatrixXd y(lm->out, vectors);
  RowLevels& levels = activity_.row_levels[static_cast<std::size_t>(lm_index)];
  std::mutex landing;
  std::vector<std::unique_ptr<Chunk>> held(passes > 1 ? n_chunks : 0);
  for (std::size_t pass = 0; pass < passes; ++pass) {
    const auto blocks = blocks_of(pass);
    const bool last = pass + 1 == passes;
    util::parallel_for(n_chunks, threads_, [&](std::size_t c) {
      const auto [first, count, pad, width] = chunk_range(c);
      std::unique_ptr<Chunk> own;
      std::unique_ptr<Chunk>& ch = held.empty() ? own : held[c];
      if (!ch) {
        ch = std::make_unique<Chunk>(recorder_ ? recorder_->quota() : nullptr);
        if (recorder_) {
          const std::lock_guard<std::mutex> lock(landing);
          ch->record.raise_floors(*recorder_, lm_index);
        }
      }
      run_chunk(lm_index, blocks, codes, first, count, pad, width, static_cast<std::uint64_t>(first_vector + first), *ch);
      if (!last) return;
      y.middleCols(first, ch->y.rows()) = ch->y.transpose();
      const std::lock_guard<std::mutex> lock(landing);
      // Copy k of the weights counts its drives in rows [k·in, (k + 1)·in) (price_read_energy).
      const Eigen::Index in = ch->levels.rows();
      if (levels.size() == 0) levels = RowLevels::Zero(in * lm->copies, ch->levels.cols());
      levels.middleRows(copy * in, in) += ch->levels;
      if (recorder_) recorder_->merge(std::move(ch->record));
      ch.reset();
    });
  }
  if (recorder_) recorder_->settle();
  ActionCounts& counts = activity_.layers[static_cast<std::size_t>(lm_index)];

  // Actions: fixed per vector by the mapping.
  const bool offset_readout = offset_in_readout(arch);
  for (int ai : lm->arrays) {
    const mapping::ArrayMap& a = chip_.arrays[static_cast<std::size_t>(ai)];
    const std::int64_t reads = static_cast<std::int64_t>(n_slices) * a.sub_reads(arch);
    // One conversion per readout group and slice group of every row group.
    const std::int64_t conversions = static_cast<std::int64_t>(a.conversions.size()) *
                                     static_cast<std::int64_t>(lm->slice_groups.size()) * a.sub_reads(arch);
    counts.array_reads += reads * vectors;
    counts.dac_drives += static_cast<std::int64_t>(a.rows) * n_slices * vectors;
    counts.conversions += conversions * vectors;
    // An integrating readout converts from its capacitor: nothing is sampled and held.
    if (!arch.readout.integrate()) counts.sample_holds += conversions * vectors;
    counts.shift_adds += conversions * vectors;
    if (offset_readout) counts.digital_adds += conversions * vectors;  // G_min removal
  }
  // Row blocks add up digitally, per column block over the row blocks that have an array.
  for (int cbk = 0; cbk < lm->col_blocks; ++cbk) {
    int present = 0, outputs = 0;
    for (int ai : lm->arrays) {
      const mapping::ArrayMap& a = chip_.arrays[static_cast<std::size_t>(ai)];
      if (a.col_block != cbk) continue;
      ++present;
      outputs = a.outputs;
    }
    counts.digital_adds += static_cast<std::int64_t>(present - 1) * outputs * vectors;
  }
  if (arch.encoding == mapping::Encoding::Offset) {
    // W + 2^(wb−1) was stored: remove 2^(wb−1)·Σx, with Σx summed once per vector.
    const double off = std::ldexp(1.0, lm->weight_bits - 1);
    const Eigen::RowVectorXd xsum = codes.cast<double>().colwise().sum();
    y.rowwise() -= off * xsum;
    counts.digital_adds += static_cast<std::int64_t>(lm->in + lm->out) * vectors;
  }
  if (lm->zero_point_correction) counts.digital_adds += static_cast<std::int64_t>(lm->out) * vectors;
  if (lm->output_scaling) {
    if (scales_ && (*scales_)[static_cast<std::size_t>(lm_index)].size() > 0)
      y = (*scales_)[static_cast<std::size_t>(lm_index)].asDiagonal() * y;
    counts.digital_mults += static_cast<std::int64_t>(lm->out) * vectors;
  }
  // Requantization: one scale multiply and one bias add per output.
  counts.digital_mults += static_cast<std::int64_t>(lm->out) * vectors;
  counts.digital_adds += static_cast<std::int64_t>(lm->out) * vectors;
  return y;
}

}  // namespace cimsim::functional
