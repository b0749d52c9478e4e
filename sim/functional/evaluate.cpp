#include "sim/functional/evaluate.hpp"

#include <spdlog/spdlog.h>

#include <limits>
#include <mutex>
#include <optional>

#include "sim/cost/array_writes.hpp"
#include "sim/functional/crossbar.hpp"
#include "sim/functional/read_energy.hpp"
#include "sim/functional/reference.hpp"
#include "sim/util/parallel.hpp"
#include "sim/util/progress.hpp"

namespace cimsim::functional {

namespace {

struct Batches {
  std::int64_t n, size;
  std::size_t count() const { return static_cast<std::size_t>((n + size - 1) / size); }
  std::int64_t first(std::size_t b) const { return static_cast<std::int64_t>(b) * size; }
  std::int64_t length(std::size_t b) const { return std::min(size, n - first(b)); }
};

std::int64_t count_correct(const Batch& logits, const std::vector<std::int64_t>& labels, std::int64_t first) {
  const auto pred = argmax(logits);
  std::int64_t c = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) c += pred[i] == labels[static_cast<std::size_t>(first) + i];
  return c;
}

// Accuracy is undefined (NaN, null in report.json) without labels, as for shape-only networks.
double fraction_correct(std::int64_t correct, const workload::Dataset& test) {
  if (test.labels.empty() || test.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(correct) / static_cast<double>(test.size());
}

// Runs fn(batch index, first sample, column block of inputs, inner threads) over fixed batches.
template <class Fn>
void over_batches(const workload::Dataset& d, const EvalOptions& o, util::Progress* progress, Fn&& fn) {
  const Batches batches{d.size(), std::max(1, o.batch_size)};
  const util::ThreadSplit split = util::split_threads(batches.count(), o.threads);
  util::parallel_for(batches.count(), split.batch_threads, [&](std::size_t b) {
    const std::int64_t first = batches.first(b);
    const std::int64_t len = batches.length(b);
    fn(b, first, d.inputs.middleCols(first, len), split.inner_threads);
    if (progress) progress->advance(static_cast<std::size_t>(len));
  });
}

// Digital layers do the same work for every sample.
void add_digital_work(const mapping::ChipMap& chip, std::int64_t samples, Activity& act) {
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    if (chip.is_matrix(l)) continue;
    const mapping::DigitalWork& w = chip.layers[l].digital;
    act.layers[l].digital_adds += w.adds * samples;
    act.layers[l].digital_mults += w.mults * samples;
    act.layers[l].digital_compares += w.compares * samples;
  }
}

}  // namespace

Activity EvalResult::mean_activity() const {
  Activity mean;
  for (const auto& inst : instances) mean.add(inst.activity);
  // Per inference: divide counts by the samples seen (they divide exactly; energy is a mean).
  const std::int64_t per = std::max<std::int64_t>(1, mean.samples);
  for (auto& l : mean.layers) {
    l.array_reads /= per;
    l.dac_drives /= per;
    l.conversions /= per;
    l.sample_holds /= per;
    l.shift_adds /= per;
    l.digital_adds /= per;
    l.digital_mults /= per;
    l.digital_compares /= per;
    l.cell_energy_pj /= static_cast<double>(per);
    l.dac_energy_pj /= static_cast<double>(per);
    l.cell_writes /= per;
    l.write_energy_pj /= static_cast<double>(per);
  }
  mean.samples = 1;
  return mean;
}

EvalSetup::EvalSetup(const workload::QuantizedNetwork& q, const mapping::ChipMap& c, const models::CellModel& ce,
                     const models::AdcModel& a, const workload::Dataset& t, const workload::Dataset& cal,
                     const EvalOptions& o)
    : qnet(q), chip(c), cell(ce), adc(a), test(t), calibration(cal), options(o) {
  // Vectors each layer reads during the test, for read disturb.
  vectors.resize(chip.layers.size());
  for (std::size_t l = 0; l < chip.layers.size(); ++l) vectors[l] = test.size() * chip.layers[l].vectors_per_sample;
}

ProgramSettings EvalSetup::settings(std::uint32_t instance) const {
  ProgramSettings ps;
  ps.seed = options.seed;
  ps.instance = instance;
  ps.t_inference_s = options.t_inference_s;
  ps.threads = options.threads;
  ps.drive = options.drive;
  ps.vectors = vectors;
  ps.temperature_k = options.temperature_k;
  ps.ir_drop = &options.ir_drop;
  ps.qnet = &qnet;
  ps.resident_mib = options.array_memory_mib;
  ps.written_age_s = options.written_age_s;
  return ps;
}

InstanceResult evaluate_chip(const EvalSetup& e, const ProgramSettings& ps, util::Progress* progress) {
  const EvalOptions& o = e.options;
  const mapping::ChipMap& chip = e.chip;
  const Batches test_batches{e.test.size(), std::max(1, o.batch_size)};
  const std::size_t nb = test_batches.count();
  const bool labelled = !e.test.labels.empty();

  const ProgrammedChip programmed = ProgrammedChip::program(chip, e.cell, ps);
  InstanceResult ir;
  ir.current_unit_ua = programmed.current_unit_ua(chip);
  ir.lossless_adc_bits = lossless_adc_bits(chip, programmed.g_min_norm);
  ir.columns_over_current_limit = programmed.columns_over_current_limit;
  ir.disturbed_devices = programmed.disturbed_devices;
  const FullScalePlan exact_plan(chip, e.adc.common(), programmed.g_min_norm, ir.current_unit_ua);

  // Drift compensation: the same chip read right after programming and now, on one batch of the
  // calibration inputs, with exact conversions (the periphery measures the analog drift).
  if (o.drift.on()) {
    ProgramSettings rs = ps;
    rs.t_inference_s = o.drift.reference_time_s;
    rs.vectors.clear();
    const ProgrammedChip reference = ProgrammedChip::program(chip, e.cell, rs);
    CalibrationRecorder scratch_ref, scratch_now;
    const int threads = util::resolve_threads(o.threads);
    CrossbarBackend ref_backend(chip, reference, e.adc, exact_plan, &scratch_ref, threads, o.drive);
    CrossbarBackend now_backend(chip, programmed, e.adc, exact_plan, &scratch_now, threads, o.drive);
    CompensationBackend comp(chip, ref_backend, now_backend, o.drift.mode);
    const std::int64_t n = std::min<std::int64_t>(o.drift.samples, e.calibration.size());
    quantized_logits(e.qnet, e.calibration.inputs.leftCols(n), e.test.size(), comp);
    ir.drift_scales = comp.scales();
  }

  CalibrationTable table;
  if (e.adc.common().full_scale == models::FullScale::Calibrated) {
    // Full scales are measured once, calibration_time_s after programming, on the same devices; a
    // chip read later keeps them (drift then eats into the range, unless compensated digitally).
    const double t_cal = e.adc.common().calibration_time_s;
    const bool same_time = t_cal == ps.t_inference_s;
    std::optional<ProgrammedChip> at_calibration;
    if (!same_time) {
      ProgramSettings cs = ps;
      cs.t_inference_s = t_cal;
      cs.vectors.clear();
      at_calibration = ProgrammedChip::program(chip, e.cell, cs);
    }
    const ProgrammedChip& calibrated = same_time ? programmed : *at_calibration;
    const CalibrationQuota quota(chip, e.calibration.size(), e.adc.common().calibration_percentile);
    // Top-m sets merge exactly in any order, so batches merge as they finish.
    CalibrationRecorder all(&quota);
    std::mutex merging;
    over_batches(e.calibration, o, nullptr, [&](std::size_t, std::int64_t first, const Batch& x, int inner) {
      // Calibration reads are keyed apart from test reads: their samples sit past the test set.
      CalibrationRecorder recorder(&quota);
      CrossbarBackend backend(chip, calibrated, e.adc, exact_plan, &recorder, inner, o.drive);
      if (same_time) backend.set_output_scales(&ir.drift_scales);
      quantized_logits(e.qnet, x, e.test.size() + first, backend);
      const std::lock_guard<std::mutex> lock(merging);
      all.merge(std::move(recorder));
    });
    table = all.table();
  }
  const FullScalePlan plan(chip, e.adc.common(), programmed.g_min_norm, ir.current_unit_ua, std::move(table));

  std::vector<std::int64_t> ok(nb, 0);
  // Counts are integers: they add up exactly in whatever order batches finish.
  std::mutex adding;
  over_batches(e.test, o, progress, [&](std::size_t b, std::int64_t first, const Batch& x, int inner) {
    CrossbarBackend backend(chip, programmed, e.adc, plan, nullptr, inner, o.drive);
    backend.set_output_scales(&ir.drift_scales);
    const bool record = o.outputs && o.outputs->instance() == ps.instance;
    const Batch logits = record ? recorded_logits(e.qnet, x, first, e.test.size(), backend, *o.outputs)
                                : quantized_logits(e.qnet, x, first, backend);
    if (labelled) ok[b] = count_correct(logits, e.test.labels, first);
    Activity act = backend.counts();
    act.samples = x.cols();
    add_digital_work(chip, x.cols(), act);
    const std::lock_guard<std::mutex> lock(adding);
    ir.activity.add(act);
  });
  for (std::size_t b = 0; b < nb; ++b) ir.correct += ok[b];
  if (ir.activity.layers.empty()) ir.activity.layers.resize(chip.layers.size());
  price_read_energy(ir.activity, programmed, o.drive ? *o.drive : DriveLevels::amplitude(chip));
  cost::price_array_writes(ir.activity, e.cell, chip.arch.bits_per_cell);
  ir.activity.row_levels.clear();
  ir.activity.written_levels.clear();
  ir.activity.written_cell_pj.clear();
  ir.accuracy = fraction_correct(ir.correct, e.test);
  return ir;
}

EvalResult evaluate(const workload::QuantizedNetwork& qnet, const mapping::ChipMap& chip,
                    const models::CellModel& cell, const models::AdcModel& adc, const workload::Dataset& test,
                    const workload::Dataset& calibration, const EvalOptions& o) {
  const EvalSetup setup(qnet, chip, cell, adc, test, calibration, o);
  EvalResult result;
  result.samples = test.size();
  result.labelled = !test.labels.empty();
  const Batches test_batches{test.size(), std::max(1, o.batch_size)};
  const std::size_t nb = test_batches.count();
  const bool labelled = result.labelled;

  // References: float and ideal-quantized.
  {
    std::vector<std::int64_t> float_ok(nb, 0), quant_ok(nb, 0);
    over_batches(test, o, nullptr, [&](std::size_t b, std::int64_t first, const Batch& x, int) {
      if (!labelled) return;
      float_ok[b] = count_correct(float_logits(*qnet.net, x), test.labels, first);
      ExactBackend exact;
      quant_ok[b] = count_correct(quantized_logits(qnet, x, first, exact), test.labels, first);
    });
    std::int64_t f = 0, q = 0;
    for (std::size_t b = 0; b < nb; ++b) {
      f += float_ok[b];
      q += quant_ok[b];
    }
    result.float_accuracy = fraction_correct(f, test);
    result.quantized_accuracy = fraction_correct(q, test);
  }

  util::Progress progress("chip", static_cast<std::size_t>(test.size()) * o.chip_instances, o.progress);
  for (int inst = 0; inst < o.chip_instances; ++inst) {
    InstanceResult ir = evaluate_chip(setup, setup.settings(static_cast<std::uint32_t>(inst)), &progress);
    result.current_unit_ua = ir.current_unit_ua;
    result.lossless_adc_bits = ir.lossless_adc_bits;
    spdlog::debug("chip instance {}: accuracy {:.4f}", inst, ir.accuracy);
    result.instances.push_back(std::move(ir));
  }
  progress.finish();
  return result;
}

}  // namespace cimsim::functional
