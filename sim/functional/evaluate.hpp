#pragma once
// Accuracy over a data set: the float network, the ideal-quantized network and the chip, each
// evaluated in fixed batches over all cores. Batches never depend on the thread count and are
// reduced in order, so results are bit-identical for any number of threads.

#include <cstdint>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "sim/functional/activity.hpp"
#include "sim/functional/drift_compensation.hpp"
#include "sim/functional/drive_levels.hpp"
#include "sim/functional/ir_drop.hpp"
#include "sim/functional/layer_outputs.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/util/progress.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/quantize.hpp"

namespace cimsim::functional {

struct EvalOptions {
  std::uint64_t seed = 1;
  int chip_instances = 1;
  double t_inference_s = 1.0;
  int threads = 0;
  int batch_size = 64;
  bool progress = false;
  const DriveLevels* drive = nullptr;  // the DAC's levels; nullptr: amplitude DAC, energy not counted
  DriftCompensation drift;             // mode None: off (ChipMap layers must say output_scaling)
  LayerOutputSink* outputs = nullptr;  // gets every layer's output of its instance's test pass
  double temperature_k = 300;          // operating temperature
  IrDrop ir_drop;                      // wire resistance; off by default
  double array_memory_mib = 0;         // programmed conductances kept per chip; 0: all (ProgramSettings)
  double written_age_s = 0;            // arrays rewritten per input: age at their reads (ProgramSettings)
};

struct InstanceResult {
  std::int64_t correct = 0;
  double accuracy = 0;
  Activity activity;
  int columns_over_current_limit = 0;  // columns a full read drives past the cell's limit
  int disturbed_devices = 0;           // devices read disturb flipped during the test reads
  std::vector<Eigen::VectorXd> drift_scales;  // per ChipMap layer, when compensating
  double current_unit_ua = 0;
  int lossless_adc_bits = 0;
};

struct EvalResult {
  std::int64_t samples = 0;
  bool labelled = true;  // false: no labels, every accuracy is NaN
  double float_accuracy = 0;
  double quantized_accuracy = 0;
  std::vector<InstanceResult> instances;
  int lossless_adc_bits = 0;
  double current_unit_ua = 0;  // I_u = ΔG·V_read/(2^db−1)

  // Mean activity per inference over all instances.
  Activity mean_activity() const;
};

// Everything one evaluation of a chip needs, shared by chip instances, corners and worst cases.
struct EvalSetup {
  EvalSetup(const workload::QuantizedNetwork& qnet, const mapping::ChipMap& chip, const models::CellModel& cell,
            const models::AdcModel& adc, const workload::Dataset& test, const workload::Dataset& calibration,
            const EvalOptions& options);
  // How instance `instance` is programmed (draws may then be fixed by an analysis).
  ProgramSettings settings(std::uint32_t instance) const;

  const workload::QuantizedNetwork& qnet;
  const mapping::ChipMap& chip;
  const models::CellModel& cell;
  const models::AdcModel& adc;
  const workload::Dataset& test;
  const workload::Dataset& calibration;
  EvalOptions options;
  std::vector<std::int64_t> vectors;  // per layer, read by the test
};

// Programs one chip as `settings` say, calibrates its periphery (drift compensation, ADC full
// scales) and runs the test set on it.
InstanceResult evaluate_chip(const EvalSetup& setup, const ProgramSettings& settings, util::Progress* progress);

EvalResult evaluate(const workload::QuantizedNetwork& qnet, const mapping::ChipMap& chip,
                    const models::CellModel& cell, const models::AdcModel& adc, const workload::Dataset& test,
                    const workload::Dataset& calibration, const EvalOptions& options);

}  // namespace cimsim::functional
