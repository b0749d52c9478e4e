// One chunk of a layer's vectors through the row blocks it reads (CrossbarBackend::run_chunk): the
// input digits, every readout of every read as the arrays give it (products, non-linearity,
// clipping, read noise, disturbs), and one conversion per readout group and slice group,
// shift-added into the chunk's outputs. docs/semantics.md gives the arithmetic.

#include <algorithm>
#include <cmath>
#include <memory>

#include "sim/functional/binary_product.hpp"
#include "sim/functional/crossbar.hpp"
#include "sim/functional/crossbar_chunk.hpp"
#include "sim/functional/current_clip.hpp"
#include "sim/functional/readout_draws.hpp"
#include "sim/functional/readout_terms.hpp"
#include "sim/util/cache_line.hpp"
#include "sim/util/exact_sqrt.hpp"
#include "sim/util/pow2.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::functional {

namespace {

// Working memory of run_chunk, kept per thread across chunks: the matrices are large and fresh
// allocations of them would spend their time having pages zeroed. Every matrix is written whole
// before it is read, so a buffer grows without being zeroed or copied. Each starts on a cache line,
// so that the columns of a chunk's vectors (a multiple of 8 floats) start on 32-byte boundaries.
struct Scratch {
  struct Buffer {
    util::CacheLineArray<float> data;
    std::size_t size = 0;
  };
  Buffer u, product, current, var, ref_sd;
  static Eigen::Map<Eigen::MatrixXf> matrix(Buffer& buf, Eigen::Index rows, Eigen::Index cols) {
    const auto n = static_cast<std::size_t>(rows * cols);
    if (buf.size < n) {
      buf.data = util::cache_line_array<float>(n);
      buf.size = n;
    }
    return {buf.data.get(), rows, cols};
  }
};

// dst = srcᵀ in fixed 16 × 16 tiles, which Eigen transposes in registers (its plain transposed copy
// walks one side with a large stride and does not vectorise: about 3.5 times slower).
void transpose_into(const Eigen::Ref<const Eigen::MatrixXf>& src, Eigen::Map<Eigen::MatrixXf>& dst) {
  constexpr Eigen::Index kTile = 16;
  const Eigen::Index rows = src.rows(), cols = src.cols();
  Eigen::Index c0 = 0;
  for (; c0 + kTile <= cols; c0 += kTile) {
    Eigen::Index r0 = 0;
    for (; r0 + kTile <= rows; r0 += kTile)
      dst.block<kTile, kTile>(c0, r0) = src.block<kTile, kTile>(r0, c0).transpose();
    if (r0 < rows) dst.block(c0, r0, kTile, rows - r0) = src.block(r0, c0, rows - r0, kTile).transpose();
  }
  if (c0 < cols) dst.bottomRows(cols - c0) = src.rightCols(cols - c0).transpose();
}

// Elementwise table lookup on DAC levels. A negative level (polarity inputs) drives −V: a term odd
// in V turns sign with it, an even one does not.
Eigen::MatrixXf by_level(const Eigen::Ref<const Eigen::MatrixXf>& u, const std::vector<double>& table, bool odd) {
  return u.unaryExpr([&](float level) {
    const auto v = static_cast<float>(table[static_cast<std::size_t>(std::fabs(level))]);
    return odd && level < 0 ? -v : v;
  });
}

}  // namespace

void CrossbarBackend::run_chunk(int lm_index, const Blocks& blocks,
                                const Eigen::MatrixXi& codes, Eigen::Index first, Eigen::Index count,
                                Eigen::Index pad, Eigen::Index rows, std::uint64_t vector0, Chunk& out) const {
  const mapping::LayerMap& lm = chip_.layers[static_cast<std::size_t>(lm_index)];
  const mapping::Architecture& arch = chip_.arch;
  const int n_slices = static_cast<int>(lm.input_slices.size());
  const Eigen::Index in = codes.rows();
  const int cb = arch.bits_per_cell;
  const bool offset_readout = offset_in_readout(arch);

  // Digits: ut(i, s·rows + pad + v) is slice s of input i of valid vector v (inputs down, vectors
  // slice-major across; the padding columns stay zero).
  const std::uint32_t code_mask = (1u << lm.activation_bits) - 1u;
  // Per-thread working memory, each reached once: in a shared library every use of a thread_local
  // is a call to find it.
  thread_local Scratch scratch_of_thread;
  Scratch& scratch = scratch_of_thread;
  Eigen::Map<Eigen::MatrixXf> ut = Scratch::matrix(scratch.u, in, rows * n_slices);
  if (count < rows) ut.setZero();
  bool binary = !lm.polarity;  // all slices one bit wide and non-negative: u² = u
  // Polarity inputs: the digit of |x|, which the DAC saturates at 2^(ab−1) − 1, signed as x.
  const int magnitude_max = (1 << (lm.activation_bits - 1)) - 1;
  for (int s = 0; s < n_slices; ++s) {
    const auto& sl = lm.input_slices[static_cast<std::size_t>(s)];
    binary = binary && sl.width == 1;
    const std::uint32_t mask = (1u << sl.width) - 1u;
    if (lm.polarity) {
      ut.middleCols(s * rows + pad, count) = codes.middleCols(first, count).unaryExpr([&](int c) {
        const auto mag = static_cast<std::uint32_t>(std::min(c < 0 ? -c : c, magnitude_max));
        const auto digit = static_cast<float>((mag >> sl.shift) & mask);
        return c < 0 ? -digit : digit;
      });
      continue;
    }
    ut.middleCols(s * rows + pad, count) = codes.middleCols(first, count).unaryExpr([&](int c) {
      return static_cast<float>(((static_cast<std::uint32_t>(c) & code_mask) >> sl.shift) & mask);
    });
  }
  // A chunk's first pass counts its row drives per level, valid vectors only (energy is priced from
  // these at the end), and starts its outputs; later passes over further blocks add to them.
  const bool first_pass = out.y.size() == 0;
  if (first_pass) out.levels = RowLevels::Zero(in, drive_.levels());
  for (int s = 0; s < n_slices && first_pass; ++s) {
    const auto valid = ut.middleCols(s * rows + pad, count);
    if (binary) {
      const Eigen::VectorXf ones = valid.rowwise().sum();
      for (Eigen::Index i = 0; i < in; ++i) {
        const auto n1 = static_cast<std::int64_t>(ones(i));
        out.levels(i, 1) += n1;
        out.levels(i, 0) += count - n1;
      }
    } else {
      for (Eigen::Index v = 0; v < count; ++v)
        for (Eigen::Index i = 0; i < in; ++i) ++out.levels(i, static_cast<Eigen::Index>(std::fabs(valid(i, v))));
    }
  }

  if (first_pass) out.y = Eigen::MatrixXd::Zero(count, lm.out);
  Eigen::MatrixXf u2;
  Eigen::ArrayXd x(count), in_lsb(count), usum_group(count);
  Eigen::ArrayXf z(count);
  std::vector<std::int32_t> adc_codes(static_cast<std::size_t>(count));
  const Eigen::Index cols = rows * n_slices;
  thread_local SetRows set_rows_of_thread;
  thread_local ReadoutDraws draws_of_thread;
  SetRows& set_rows = set_rows_of_thread;
  ReadoutDraws& draws = draws_of_thread;
  // Conversions of a single term go in one pass where nothing else comes between: an ideal ADC, no
  // G_min offset to add and take off, no calibration recording the analog values.
  const bool fused = adc_.ideal_transfer() && !offset_readout && !recorder_;
  ReadScales scales(plan_, lm_index);
  std::vector<double> slice_weight(static_cast<std::size_t>(n_slices));
  for (int s = 0; s < n_slices; ++s) slice_weight[static_cast<std::size_t>(s)] = lm.input_slices[static_cast<std::size_t>(s)].weight();

  for (const auto& block : blocks) {
    const ProgrammedRowBlock& rb = *block;
    const auto& first_array = chip_.arrays[static_cast<std::size_t>(rb.arrays.front())];
    const int sub_reads = first_array.sub_reads(arch);
    const bool noisy = rb.var.size() > 0;
    for (int k = 0; k < sub_reads; ++k) {
      const int local0 = arch.rows_per_read > 0 ? k * arch.rows_per_read : 0;
      const int n = first_array.rows_in_read(arch, k);
      const auto ublk = ut.middleRows(rb.row_begin + local0, n);
      scales.set_rows(n);

      // Every ADC input of every array on these rows, for every slice of every vector, turned so that
      // each readout's vectors are contiguous: dst = (g · u)ᵀ. With 0/1 digits only the rows an
      // input drives are summed, and turned as they are made (binary_product.hpp); otherwise one
      // GEMM (readouts × vectors), then turned.
      if (binary) set_rows.assign(ublk);
      auto times_inputs = [&](const Eigen::MatrixXf& g, const Eigen::Ref<const Eigen::MatrixXf>& u,
                              Eigen::Map<Eigen::MatrixXf>& dst) {
        if (binary) return binary_product(g.middleCols(local0, n), set_rows, dst);
        Eigen::Map<Eigen::MatrixXf> product = Scratch::matrix(scratch.product, g.rows(), cols);
        product.noalias() = g.middleCols(local0, n) * u;
        transpose_into(product, dst);
      };
      Eigen::Map<Eigen::MatrixXf> current = Scratch::matrix(scratch.current, cols, rb.diff.rows());
      times_inputs(rb.diff, ublk, current);
      if (rb.nl2.size() > 0) {
        // I–V non-linearity the DAC levels do not fold into G: two more products, added to the
        // first readout by readout in the order of a GEMM that accumulates (rare: turned back and
        // forth rather than kept twice).
        Eigen::Map<Eigen::MatrixXf> product = Scratch::matrix(scratch.product, rb.diff.rows(), cols);
        product = current.transpose();
        product.noalias() += rb.nl2.middleCols(local0, n) * by_level(ublk, drive_.nl2, false);
        product.noalias() += rb.nl3.middleCols(local0, n) * by_level(ublk, drive_.nl3, true);
        transpose_into(product, current);
      }
      if (rb.clip_limit > 0) clip_column_currents(current, ublk, rb, local0, n, programmed_.g_min_norm);
      // Per-read noise: variance Σ u²·σ² per readout (u² = u for 1-bit slices), its root taken as each
      // conversion reads it (readout_terms.hpp); empty when noiseless.
      const bool reference_noise = noisy && rb.reference_var.size() > 0;
      Eigen::Map<Eigen::MatrixXf> var = Scratch::matrix(scratch.var, noisy ? cols : 0, noisy ? rb.var.rows() : 0);
      Eigen::Map<Eigen::MatrixXf> ref_sd = Scratch::matrix(
          scratch.ref_sd, reference_noise ? cols : 0, reference_noise ? rb.reference_var.rows() : 0);
      if (noisy) {
        if (!binary) u2 = ublk.array().square();
        const Eigen::Ref<const Eigen::MatrixXf> usq =
            binary ? Eigen::Ref<const Eigen::MatrixXf>(ublk) : Eigen::Ref<const Eigen::MatrixXf>(u2);
        times_inputs(rb.var, usq, var);
        if (reference_noise) {
          times_inputs(rb.reference_var, usq, ref_sd);
          util::sqrt_in_place(ref_sd.data(), static_cast<std::size_t>(ref_sd.size()));
        }
      }
      Eigen::VectorXf usum;
      if (offset_readout) usum = ublk.colwise().sum().transpose();
      // Devices read disturb has flipped, from their flip on (test reads only; calibration reads
      // the chip as programmed).
      if (!recorder_) {
        for (const auto& d : rb.disturbs) {
          if (d.row < local0 || d.row >= local0 + n) continue;
          for (int s = 0; s < n_slices; ++s) {
            // Read number of (vector, slice) is vector · slices + slice.
            const std::int64_t fr = static_cast<std::int64_t>(d.first_read);
            const std::int64_t v_min = std::max<std::int64_t>(
                0, (fr - s + n_slices - 1) / n_slices - static_cast<std::int64_t>(vector0));
            for (Eigen::Index v = v_min; v < count; ++v) {
              const float add = d.delta * ublk(d.row - local0, s * rows + pad + v);
              if (add == 0.0f) continue;
              for (const auto& [col, sign] : d.targets) current(s * rows + pad + v, col) += sign * add;
            }
          }
        }
      }

      for (std::size_t ka = 0; ka < rb.arrays.size(); ++ka) {
        const int ai = rb.arrays[ka];
        const mapping::ArrayMap& a = chip_.arrays[static_cast<std::size_t>(ai)];
        const std::uint64_t slots = a.readouts.size() + 1;  // readouts, then the reference column
        const rng::Stream read_noise(programmed_.seed, rng::Purpose::ReadNoise,
                                     {programmed_.instance, static_cast<std::uint64_t>(ai)});
        const rng::Stream adc_noise(programmed_.seed, rng::Purpose::AdcNoise,
                                    {programmed_.instance, static_cast<std::uint64_t>(ai)});
        // Draw indices: (slice, row group, readout slot) in the high bits, the vector in the low 40.
        auto draw_index = [&](int s, std::uint64_t slot) {
          return ((static_cast<std::uint64_t>(s) * static_cast<std::uint64_t>(sub_reads) + static_cast<std::uint64_t>(k)) *
                      slots + slot) << 40 | vector0;
        };
        if (noisy) draws.reset(a.conversions, n_slices, static_cast<std::size_t>(count));
        // The reference column's noise is common to every column of the array in a read.
        Eigen::ArrayXf ref_noise;
        if (ref_sd.size() > 0) {
          ref_noise.resize(count * n_slices);
          for (int s = 0; s < n_slices; ++s) {
            read_noise.normals_fast(draw_index(s, slots - 1), static_cast<std::size_t>(count), z.data());
            ref_noise.segment(s * count, count) = ref_sd.col(static_cast<Eigen::Index>(ka)).segment(s * rows + pad, count).array() * z;
          }
        }
        // One conversion per (readout group, slice group): the terms' charges add in analog, each
        // weighed against the group's first readout and first slice, then one code is shift-added.
        for (std::size_t gk = 0; gk < a.conversions.size(); ++gk) {
          const auto group = a.conversions[gk];
          const mapping::Readout& ro0 = a.readouts[static_cast<std::size_t>(group.front())];
          const double group_weight = ro0.sign * lm.digit_weight * util::pow2(ro0.weight_slice * cb);
          auto relative_weight = [&](int r) {  // of readout r against the group's first
            return util::pow2((a.readouts[static_cast<std::size_t>(r)].weight_slice - ro0.weight_slice) * cb);
          };
          double readout_span = 0;  // Σ of the readouts' relative weights: how often G_min rides along
          for (int r : group) readout_span += relative_weight(r);
          for (int sg = 0; sg < static_cast<int>(lm.slice_groups.size()); ++sg) {
            const auto& slices = lm.slice_groups[static_cast<std::size_t>(sg)];
            const int s0 = slices.front();
            const double base = slice_weight[static_cast<std::size_t>(s0)];
            const double weight = base * group_weight;
            double* yo = out.y.col(ro0.output).data();
            if (fused && group.size() == 1 && slices.size() == 1) {
              // One readout and one slice: the conversion in one pass (readout_terms.hpp).
              const Eigen::Index col = rb.first_readout[ka] + static_cast<Eigen::Index>(group.front());
              const Eigen::Index at = s0 * rows + pad;
              const ConversionScale& cs = scales.of(sg, ro0.weight_slice);
              convert_term(yo, current.col(col).data() + at, noisy ? var.col(col).data() + at : nullptr,
                           noisy ? draws.of(read_noise, draw_index, gk, 0, s0) : nullptr,
                           ref_noise.size() > 0 ? ref_noise.data() + s0 * count : nullptr, cs.lsb, cs.lo, cs.hi, weight,
                           count);
              continue;
            }
            bool first_term = true;
            for (std::size_t j = 0; j < group.size(); ++j) {
              const int r = group[j];
              const Eigen::Index col = rb.first_readout[ka] + static_cast<Eigen::Index>(r);
              const double c_r = relative_weight(r);
              for (int s : slices) {
                const Eigen::Index at = s * rows + pad;
                add_term(x.data(), current.col(col).data() + at, noisy ? var.col(col).data() + at : nullptr,
                         noisy ? draws.of(read_noise, draw_index, gk, j, s) : nullptr,
                         ref_noise.size() > 0 ? ref_noise.data() + s * count : nullptr,
                         c_r * slice_weight[static_cast<std::size_t>(s)] / base, first_term, count);
                first_term = false;
              }
            }
            // The G_min current rides on the column into the ADC (removed digitally below); it is
            // added here in double so that the digits above it stay exact.
            const double offset = programmed_.g_min_norm * readout_span;
            if (offset_readout) {
              usum_group.setZero();
              for (int s : slices)
                usum_group += slice_weight[static_cast<std::size_t>(s)] / base * usum.segment(s * rows + pad, count).cast<double>().array();
              x += offset * usum_group;
            }
            const double* offset_usum = offset_readout ? usum_group.data() : nullptr;
            if (recorder_) {
              out.record.record({lm_index, sg, ro0.weight_slice}, x.data(), count);
              // Calibration converts exactly: the percentile wants the analog values.
              land_codes(yo, x.data(), 1.0, offset_usum, offset, weight, count);
            } else {
              const ConversionScale& cs = scales.of(sg, ro0.weight_slice);
              in_lsb = x / cs.lsb;
              adc_.convert(in_lsb.data(), static_cast<std::size_t>(count), cs.lo, cs.hi, adc_noise,
                           draw_index(s0, static_cast<std::uint64_t>(group.front())), adc_codes.data());
              land_codes(yo, adc_codes.data(), cs.lsb, offset_usum, offset, weight, count);
            }
          }
        }
      }
    }
  }
}

}  // namespace cimsim::functional
