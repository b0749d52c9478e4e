#include "sim/functional/crossbar.hpp"

#include <algorithm>
#include <cmath>

#include "sim/functional/current_clip.hpp"
#include "sim/util/parallel.hpp"
#include "sim/util/rng.hpp"
#include "sim/util/rounding.hpp"

namespace cimsim::functional {

namespace {

// Digit matrices of a chunk stay around this many floats (16 MB), whatever the layer's width.
constexpr Eigen::Index kChunkFloats = Eigen::Index{1} << 22;
// Calibration keeps at most this many ADC inputs per chunk (evenly spaced), so that a large network
// does not record hundreds of millions of values.
constexpr Eigen::Index kRecordPerChunk = Eigen::Index{1} << 16;

}  // namespace

void CalibrationRecorder::merge(CalibrationRecorder&& o) {
  // Each key keeps at most kRecordPerKey values: past that, every other one is dropped. Merges
  // happen in a fixed order, so the same values survive whatever the threads did.
  constexpr std::size_t kRecordPerKey = std::size_t{1} << 14;
  for (auto& [key, values] : o.magnitudes) {
    auto& dst = magnitudes[key];
    dst.insert(dst.end(), values.begin(), values.end());
    while (dst.size() > kRecordPerKey) {
      std::size_t kept = 0;
      for (std::size_t i = 0; i < dst.size(); i += 2) dst[kept++] = dst[i];
      dst.resize(kept);
    }
  }
}

CalibrationTable CalibrationRecorder::percentiles(double percentile) const {
  CalibrationTable t;
  for (const auto& [key, values] : magnitudes) {
    if (values.empty()) continue;
    std::vector<float> v = values;
    const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(std::ceil(percentile / 100.0 * v.size())) - 1);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    t[key] = v[k];
  }
  return t;
}

struct CrossbarBackend::Chunk {
  Eigen::MatrixXd y;  // vectors × outputs
  double cell_energy_pj = 0, dac_energy_pj = 0;
  CalibrationRecorder record;
};

CrossbarBackend::CrossbarBackend(const mapping::ChipMap& chip, const ProgrammedChip& programmed,
                                 const models::AdcModel& adc, const FullScalePlan& plan,
                                 CalibrationRecorder* recorder, int threads, const DriveLevels* drive)
    : chip_(chip), programmed_(programmed), adc_(adc), plan_(plan),
      drive_(drive ? *drive : DriveLevels::of(nullptr, chip.dac_bits, chip.arch.read_voltage_v, chip.arch.read_time_ns)),
      recorder_(recorder), threads_(threads) {
  activity_.layers.resize(chip.layers.size());
}

namespace {

// Working memory of run_chunk, kept per thread across chunks: the matrices are large and fresh
// allocations of them would spend their time having pages zeroed.
struct Scratch {
  std::vector<float> u, current, sd, ref_sd;
  static Eigen::Map<Eigen::MatrixXf> matrix(std::vector<float>& buf, Eigen::Index rows, Eigen::Index cols) {
    if (buf.size() < static_cast<std::size_t>(rows * cols)) buf.resize(static_cast<std::size_t>(rows * cols));
    return {buf.data(), rows, cols};
  }
};

// Elementwise table lookup on DAC levels.
Eigen::MatrixXf by_level(const Eigen::Ref<const Eigen::MatrixXf>& u, const std::vector<double>& table) {
  return u.unaryExpr([&](float level) { return static_cast<float>(table[static_cast<std::size_t>(level)]); });
}

}  // namespace

void CrossbarBackend::run_chunk(int lm_index, const Eigen::MatrixXi& codes, Eigen::Index first, Eigen::Index count,
                                std::int64_t first_vector, Chunk& out) const {
  const mapping::LayerMap& lm = chip_.layers[static_cast<std::size_t>(lm_index)];
  const mapping::Architecture& arch = chip_.arch;
  const int n_slices = static_cast<int>(lm.input_slices.size());
  const Eigen::Index in = codes.rows();
  const int cb = arch.bits_per_cell;
  const bool offset_readout = offset_in_readout(arch);
  const std::uint64_t vector0 = static_cast<std::uint64_t>(first_vector + first);

  // Digits: u(s·count + v, i) is slice s of input i of vector v (rows: slice-major vectors).
  const Eigen::MatrixXi ct = codes.middleCols(first, count).transpose();
  const std::uint32_t code_mask = (1u << lm.activation_bits) - 1u;
  thread_local Scratch scratch;
  Eigen::Map<Eigen::MatrixXf> u = Scratch::matrix(scratch.u, count * n_slices, in);
  bool binary = true;  // all slices one bit wide: u² = u
  for (int s = 0; s < n_slices; ++s) {
    const auto& sl = lm.input_slices[static_cast<std::size_t>(s)];
    binary = binary && sl.width == 1;
    const std::uint32_t mask = (1u << sl.width) - 1u;
    for (Eigen::Index i = 0; i < in; ++i)
      u.col(i).segment(s * count, count) = ct.col(i).unaryExpr([&](int c) {
        return static_cast<float>(((static_cast<std::uint32_t>(c) & code_mask) >> sl.shift) & mask);
      });
  }
  std::vector<double> slice_weight(static_cast<std::size_t>(n_slices));
  for (int s = 0; s < n_slices; ++s) {
    const auto& sl = lm.input_slices[static_cast<std::size_t>(s)];
    slice_weight[static_cast<std::size_t>(s)] = (sl.negative ? -1.0 : 1.0) * std::ldexp(1.0, sl.shift);
  }

  out.y = Eigen::MatrixXd::Zero(count, lm.out);
  Eigen::MatrixXf u2;
  Eigen::ArrayXd x(count), value(count), in_lsb(count);
  Eigen::ArrayXf z(count);
  std::vector<std::int32_t> adc_codes(static_cast<std::size_t>(count));
  const ProgrammedLayer& layer = programmed_.layers[static_cast<std::size_t>(lm_index)];

  for (const ProgrammedRowBlock& rb : layer.row_blocks) {
    const auto& first_array = chip_.arrays[static_cast<std::size_t>(rb.arrays.front())];
    const int sub_reads = first_array.sub_reads(arch);
    const bool noisy = rb.var.size() > 0;
    const Eigen::Index total_readouts = rb.diff.cols();
    const Eigen::Index record_stride = std::max<Eigen::Index>(1, count * total_readouts * n_slices / kRecordPerChunk);
    for (int k = 0; k < sub_reads; ++k) {
      const int local0 = arch.rows_per_read > 0 ? k * arch.rows_per_read : 0;
      const int n = first_array.rows_in_read(arch, k);
      const auto ublk = u.middleCols(rb.row_begin + local0, n);

      // Every ADC input of every array on these rows, for every slice of every vector.
      Eigen::Map<Eigen::MatrixXf> current = Scratch::matrix(scratch.current, ublk.rows(), rb.diff.cols());
      current.noalias() = ublk * rb.diff.middleRows(local0, n);
      if (rb.nl2.size() > 0) {
        // I–V non-linearity the DAC levels do not fold into G: two more products.
        current.noalias() += by_level(ublk, drive_.nl2) * rb.nl2.middleRows(local0, n);
        current.noalias() += by_level(ublk, drive_.nl3) * rb.nl3.middleRows(local0, n);
      }
      if (rb.clip_limit > 0) clip_column_currents(current, ublk, rb, local0, n);
      // Per-read noise: variance Σ u²·σ² per readout (u² = u for 1-bit slices); empty when noiseless.
      const bool reference_noise = noisy && rb.reference_var.size() > 0;
      Eigen::Map<Eigen::MatrixXf> sd = Scratch::matrix(scratch.sd, noisy ? ublk.rows() : 0, noisy ? rb.var.cols() : 0);
      Eigen::Map<Eigen::MatrixXf> ref_sd = Scratch::matrix(
          scratch.ref_sd, reference_noise ? ublk.rows() : 0, reference_noise ? rb.reference_var.cols() : 0);
      if (noisy) {
        if (!binary) u2 = ublk.array().square();
        const Eigen::Ref<const Eigen::MatrixXf> usq =
            binary ? Eigen::Ref<const Eigen::MatrixXf>(ublk) : Eigen::Ref<const Eigen::MatrixXf>(u2);
        sd.noalias() = usq * rb.var.middleRows(local0, n);
        sd = sd.array().sqrt();
        if (reference_noise) {
          ref_sd.noalias() = usq * rb.reference_var.middleRows(local0, n);
          ref_sd = ref_sd.array().sqrt();
        }
      }
      Eigen::VectorXf usum;
      if (offset_readout) usum = ublk.rowwise().sum();
      // Energies of the read: cells Σ V(u)²·t(u)·G, drivers Σ E(u), one driver per row per array.
      const double arrays_here = static_cast<double>(rb.arrays.size());
      if (binary) {
        const Eigen::RowVectorXd ucol = ublk.colwise().sum().cast<double>();
        out.cell_energy_pj += drive_.cell_pj_per_us[1] * ucol.dot(rb.row_g_us.segment(local0, n));
        out.dac_energy_pj += arrays_here * (drive_.dac_pj[0] * static_cast<double>(ublk.size()) +
                                            (drive_.dac_pj[1] - drive_.dac_pj[0]) * ucol.sum());
      } else {
        const Eigen::RowVectorXd wcol = by_level(ublk, drive_.cell_pj_per_us).colwise().sum().cast<double>();
        out.cell_energy_pj += wcol.dot(rb.row_g_us.segment(local0, n));
        out.dac_energy_pj += arrays_here * static_cast<double>(by_level(ublk, drive_.dac_pj).sum());
      }
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
              const float add = d.delta * ublk(s * count + v, d.row - local0);
              if (add == 0.0f) continue;
              for (const auto& [col, sign] : d.targets) current(s * count + v, col) += sign * add;
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
        // The reference column's noise is common to every column of the array in a read.
        Eigen::ArrayXf ref_noise;
        if (ref_sd.size() > 0) {
          ref_noise.resize(count * n_slices);
          for (int s = 0; s < n_slices; ++s) {
            read_noise.normals_fast(draw_index(s, slots - 1), static_cast<std::size_t>(count), z.data());
            ref_noise.segment(s * count, count) = ref_sd.col(static_cast<Eigen::Index>(ka)).segment(s * count, count).array() * z;
          }
        }
        for (std::size_t r = 0; r < a.readouts.size(); ++r) {
          const mapping::Readout& ro = a.readouts[r];
          const Eigen::Index col = rb.first_readout[ka] + static_cast<Eigen::Index>(r);
          const double weight_value = ro.sign * std::ldexp(1.0, ro.weight_slice * cb);
          for (int s = 0; s < n_slices; ++s) {
            x = current.col(col).segment(s * count, count).cast<double>().array();
            if (noisy) {
              read_noise.normals_fast(draw_index(s, r), static_cast<std::size_t>(count), z.data());
              x += (sd.col(col).segment(s * count, count).array() * z).cast<double>();
            }
            if (ref_noise.size() > 0) x -= ref_noise.segment(s * count, count).cast<double>();
            const double weight = slice_weight[static_cast<std::size_t>(s)] * weight_value;
            if (recorder_) {
              auto& record = out.record.magnitudes[{lm_index, s, ro.weight_slice}];
              for (Eigen::Index v = 0; v < count; v += record_stride) record.push_back(static_cast<float>(std::fabs(x(v))));
              // Calibration converts exactly: the percentile wants the analog values.
              value = x;
            } else {
              const ConversionScale cs = plan_.scale(lm_index, n, s, ro.weight_slice);
              in_lsb = x / cs.lsb;
              adc_.convert(in_lsb.data(), static_cast<std::size_t>(count), cs.lo, cs.hi, adc_noise, draw_index(s, r),
                           adc_codes.data());
              value = Eigen::Map<const Eigen::Array<std::int32_t, Eigen::Dynamic, 1>>(adc_codes.data(), count).cast<double>() *
                      cs.lsb;
            }
            if (offset_readout) value -= programmed_.g_min_norm * usum.segment(s * count, count).cast<double>().array();
            double* yo = out.y.col(ro.output).data();
            const double* val = value.data();
            for (Eigen::Index v = 0; v < count; ++v) yo[v] += weight * util::round_half_away(val[v]);
          }
        }
      }
    }
  }
}

Eigen::MatrixXd CrossbarBackend::multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                          std::int64_t first_vector) {
  const mapping::LayerMap* lm = chip_.find_layer(q.layer);
  const int lm_index = static_cast<int>(lm - chip_.layers.data());
  const mapping::Architecture& arch = chip_.arch;
  const Eigen::Index vectors = codes.cols();
  const int n_slices = static_cast<int>(lm->input_slices.size());

  // Chunks of vectors: fixed by the layer's size only, so results never depend on the threads.
  const Eigen::Index per_chunk =
      std::max<Eigen::Index>(1, kChunkFloats / std::max<Eigen::Index>(1, codes.rows() * n_slices));
  const Eigen::Index n_chunks = (vectors + per_chunk - 1) / per_chunk;
  std::vector<Chunk> chunks(static_cast<std::size_t>(n_chunks));
  util::parallel_for(static_cast<std::size_t>(n_chunks), threads_, [&](std::size_t c) {
    const Eigen::Index first = static_cast<Eigen::Index>(c) * per_chunk;
    run_chunk(lm_index, codes, first, std::min(per_chunk, vectors - first), first_vector, chunks[c]);
  });

  Eigen::MatrixXd y(lm->out, vectors);
  ActionCounts& counts = activity_.layers[static_cast<std::size_t>(lm_index)];
  for (Eigen::Index c = 0; c < n_chunks; ++c) {
    Chunk& ch = chunks[static_cast<std::size_t>(c)];
    y.middleCols(c * per_chunk, ch.y.rows()) = ch.y.transpose();
    counts.cell_energy_pj += ch.cell_energy_pj;
    counts.dac_energy_pj += ch.dac_energy_pj;
    if (recorder_) recorder_->merge(std::move(ch.record));
  }

  // Actions: fixed per vector by the mapping.
  const bool offset_readout = offset_in_readout(arch);
  for (int ai : lm->arrays) {
    const mapping::ArrayMap& a = chip_.arrays[static_cast<std::size_t>(ai)];
    const std::int64_t reads = static_cast<std::int64_t>(n_slices) * a.sub_reads(arch);
    const std::int64_t conversions = static_cast<std::int64_t>(a.readouts.size()) * reads;
    counts.array_reads += reads * vectors;
    counts.dac_drives += static_cast<std::int64_t>(a.rows) * n_slices * vectors;
    counts.conversions += conversions * vectors;
    counts.sample_holds += conversions * vectors;
    counts.shift_adds += conversions * vectors;
    if (offset_readout) counts.digital_adds += conversions * vectors;  // G_min removal
  }
  // Row blocks add up digitally, per column block over the row blocks that have an array.
  for (int cbk = 0; cbk < lm->col_blocks; ++cbk) {
    int blocks = 0, outputs = 0;
    for (int ai : lm->arrays) {
      const mapping::ArrayMap& a = chip_.arrays[static_cast<std::size_t>(ai)];
      if (a.col_block != cbk) continue;
      ++blocks;
      outputs = a.outputs;
    }
    counts.digital_adds += static_cast<std::int64_t>(blocks - 1) * outputs * vectors;
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
