#include "sim/functional/crossbar.hpp"

#include <algorithm>
#include <cmath>

#include "sim/util/rng.hpp"

namespace cimsim::functional {

void CalibrationRecorder::merge(CalibrationRecorder&& o) {
  for (auto& [key, values] : o.magnitudes) {
    auto& dst = magnitudes[key];
    dst.insert(dst.end(), values.begin(), values.end());
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

CrossbarBackend::CrossbarBackend(const mapping::ChipMap& chip, const ProgrammedChip& programmed,
                                 const models::AdcModel& adc, const FullScalePlan& plan,
                                 CalibrationRecorder* recorder)
    : chip_(chip), programmed_(programmed), adc_(adc), plan_(plan), recorder_(recorder) {
  const double v_unit = chip.arch.read_voltage_v / ((1 << chip.dac_bits) - 1);
  // µS·V²·ns = fJ; the report uses pJ.
  cell_energy_unit_pj_ = v_unit * v_unit * chip.arch.read_time_ns * 1e-3;
  activity_.layers.resize(chip.layers.size());
}

Eigen::MatrixXd CrossbarBackend::multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                          std::int64_t first_vector) {
  const mapping::LayerMap* lm = chip_.find_layer(q.layer);
  const int lm_index = static_cast<int>(lm - chip_.layers.data());
  const mapping::Architecture& arch = chip_.arch;
  const Eigen::Index B = codes.cols();
  const int n_slices = static_cast<int>(lm->input_slices.size());
  const int cb = arch.bits_per_cell;
  const bool offset_readout = offset_in_readout(arch);
  const std::int64_t vectors = B;  // one column per input vector

  // Input digits of every slice side by side: columns [s·B, (s+1)·B) hold slice s.
  const std::uint32_t code_mask = (1u << lm->activation_bits) - 1u;
  Eigen::MatrixXf u(codes.rows(), B * n_slices);
  for (int s = 0; s < n_slices; ++s) {
    const auto& sl = lm->input_slices[static_cast<std::size_t>(s)];
    const std::uint32_t mask = (1u << sl.width) - 1u;
    for (Eigen::Index b = 0; b < B; ++b)
      for (Eigen::Index i = 0; i < codes.rows(); ++i) {
        const std::uint32_t cu = static_cast<std::uint32_t>(codes(i, b)) & code_mask;  // two's complement
        u(i, s * B + b) = static_cast<float>((cu >> sl.shift) & mask);
      }
  }
  // Value of one unit of slice s: ±2^shift.
  std::vector<double> slice_weight(static_cast<std::size_t>(n_slices));
  for (int s = 0; s < n_slices; ++s) {
    const auto& sl = lm->input_slices[static_cast<std::size_t>(s)];
    slice_weight[static_cast<std::size_t>(s)] = (sl.negative ? -1.0 : 1.0) * std::ldexp(1.0, sl.shift);
  }

  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(lm->out, B);
  ActionCounts& counts = activity_.layers[static_cast<std::size_t>(lm_index)];

  for (int ai : lm->arrays) {
    const mapping::ArrayMap& a = chip_.arrays[static_cast<std::size_t>(ai)];
    const ProgrammedArray& pa = programmed_.arrays[static_cast<std::size_t>(ai)];
    const int sub_reads = a.sub_reads(arch);
    const bool noisy = pa.sigma2t.size() > 0;
    const rng::Stream noise(programmed_.seed, rng::Purpose::ReadNoise, {programmed_.instance, static_cast<std::uint64_t>(ai)});

    for (int k = 0; k < sub_reads; ++k) {
      const int local0 = arch.rows_per_read > 0 ? k * arch.rows_per_read : 0;
      const int n = a.rows_in_read(arch, k);
      const auto ublk = u.middleRows(a.row_begin + local0, n);
      const Eigen::MatrixXf current = pa.gt.middleCols(local0, n) * ublk;  // columns × (B·slices)
      Eigen::MatrixXf sigma;
      if (noisy) sigma = (pa.sigma2t.middleCols(local0, n) * ublk.array().square().matrix()).array().sqrt();
      Eigen::RowVectorXf usum;
      if (offset_readout) usum = ublk.colwise().sum();
      counts.cell_energy_pj +=
          cell_energy_unit_pj_ * static_cast<double>((pa.row_g_us.segment(local0, n) * ublk.array().square().matrix()).sum());

      // Column current of one read, with its per-read noise (drawn per sample, slice, read, column).
      auto column = [&](int col, int s, Eigen::Index b) -> double {
        double v = current(col, s * B + b);
        if (noisy) {
          const std::uint64_t sample = static_cast<std::uint64_t>(first_vector + b);
          const std::uint64_t index =
              ((sample * static_cast<std::uint64_t>(n_slices) + static_cast<std::uint64_t>(s)) * sub_reads + k) *
                  static_cast<std::uint64_t>(a.columns) + static_cast<std::uint64_t>(col);
          v += sigma(col, s * B + b) * noise.normal(index);
        }
        return v;
      };

      const rng::Stream adc_noise(programmed_.seed, rng::Purpose::AdcNoise,
                                  {programmed_.instance, static_cast<std::uint64_t>(ai)});
      std::vector<double> in_lsb(static_cast<std::size_t>(B));
      std::vector<double> offsets(static_cast<std::size_t>(B));
      std::vector<std::int32_t> codes(static_cast<std::size_t>(B));
      for (std::size_t ri = 0; ri < a.readouts.size(); ++ri) {
        const mapping::Readout& r = a.readouts[ri];
        for (int s = 0; s < n_slices; ++s) {
          const ConversionScale cs = plan_.scale(lm_index, n, s, r.weight_slice);
          const double weight = slice_weight[static_cast<std::size_t>(s)] * r.sign * std::ldexp(1.0, r.weight_slice * cb);
          std::vector<float>* record = nullptr;
          if (recorder_) record = &recorder_->magnitudes[{lm_index, s, r.weight_slice}];
          for (Eigen::Index b = 0; b < B; ++b) {
            double in = column(r.plus, s, b);
            if (r.minus >= 0) in -= column(r.minus, s, b);
            offsets[static_cast<std::size_t>(b)] = offset_readout ? programmed_.g_min_norm * usum(s * B + b) : 0.0;
            if (record) record->push_back(static_cast<float>(std::fabs(in)));
            in_lsb[static_cast<std::size_t>(b)] = record ? in : in / cs.lsb;
          }
          if (record) {
            // Calibration converts exactly: the percentile wants the analog values.
            for (Eigen::Index b = 0; b < B; ++b)
              y(r.output, b) += weight * std::round(in_lsb[static_cast<std::size_t>(b)] - offsets[static_cast<std::size_t>(b)]);
            continue;
          }
          // Conversion index: (input slice, row group, readout) in the high bits, the sample in the low
          // 40, so the samples of a batch are consecutive draws.
          const std::uint64_t combo =
              (static_cast<std::uint64_t>(s) * static_cast<std::uint64_t>(sub_reads) + static_cast<std::uint64_t>(k)) *
                  a.readouts.size() + ri;
          const std::uint64_t first = (combo << 40) + static_cast<std::uint64_t>(first_vector);
          adc_.convert(in_lsb.data(), in_lsb.size(), cs.lo, cs.hi, adc_noise, first, codes.data());
          for (Eigen::Index b = 0; b < B; ++b)
            y(r.output, b) += weight * std::round(codes[static_cast<std::size_t>(b)] * cs.lsb - offsets[static_cast<std::size_t>(b)]);
        }
      }
    }
    const std::int64_t reads = static_cast<std::int64_t>(n_slices) * sub_reads;
    const std::int64_t conversions = static_cast<std::int64_t>(a.readouts.size()) * reads;
    counts.array_reads += reads * vectors;
    counts.dac_drives += static_cast<std::int64_t>(a.rows) * n_slices * vectors;
    counts.conversions += conversions * vectors;
    counts.sample_holds += conversions * vectors;
    counts.shift_adds += conversions * vectors;
    if (offset_readout) counts.digital_adds += conversions * vectors;  // G_min removal
  }

  // Row blocks add up digitally.
  counts.digital_adds += static_cast<std::int64_t>(lm->row_blocks - 1) * lm->out * vectors;
  if (arch.encoding == mapping::Encoding::Offset) {
    // W + 2^(wb−1) was stored: remove 2^(wb−1)·Σx, with Σx summed once per vector.
    const double off = std::ldexp(1.0, lm->weight_bits - 1);
    const Eigen::RowVectorXd xsum = codes.cast<double>().colwise().sum();
    for (Eigen::Index b = 0; b < B; ++b) y.col(b).array() -= off * xsum(b);
    counts.digital_adds += static_cast<std::int64_t>(lm->in + lm->out) * vectors;
  }
  if (lm->zero_point_correction) counts.digital_adds += static_cast<std::int64_t>(lm->out) * vectors;
  // Requantization: one scale multiply and one bias add per output.
  counts.digital_mults += static_cast<std::int64_t>(lm->out) * vectors;
  counts.digital_adds += static_cast<std::int64_t>(lm->out) * vectors;
  return y;
}

}  // namespace cimsim::functional
