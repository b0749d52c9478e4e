#pragma once
// Builds one dense layer with given integer weights, maps it under a config, programs the cells
// and runs inputs through the crossbar backend: the path every functional test exercises.

#include <memory>
#include <random>
#include <string>

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "sim/functional/crossbar.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/workload/quantize.hpp"
#include "support.hpp"

namespace cimsim::test {

struct CrossbarFixture {
  workload::Network net;
  workload::QuantizedNetwork qnet;
  config::Config cfg;
  std::unique_ptr<models::CellModel> cell;
  std::unique_ptr<models::AdcModel> adc;
  mapping::ChipMap chip;
  functional::ProgrammedChip programmed;
  int dac_bits = 1;

  // `yaml` configures mapping, array, cell, adc, dac. When `adc_bits` is 0 the ADC gets the
  // lossless resolution for this mapping.
  CrossbarFixture(const workload::MatrixXi32& w, int weight_bits, int activation_bits, bool input_signed,
                  const std::string& yaml, int adc_bits = 0);

  const workload::QuantLayer& layer() const { return qnet.layers.front(); }
  // The chip's integer product for input codes (in × B); `drive`: the DAC's per-level behaviour
  // (nullptr: an amplitude DAC whose energy is not counted).
  Eigen::MatrixXd multiply(const Eigen::MatrixXi& codes, functional::Activity* activity = nullptr,
                           const functional::DriveLevels* drive = nullptr) const;
  // Exact W·x.
  Eigen::MatrixXd exact(const Eigen::MatrixXi& codes) const;
  double current_unit_ua() const;
};

// Random integer weights in the symmetric range of `weight_bits` (±1 for 1 bit).
workload::MatrixXi32 random_weights(std::mt19937& gen, int out, int in, int weight_bits);
// Random input codes for a layer's quantizer.
Eigen::MatrixXi random_codes(std::mt19937& gen, const workload::QuantLayer& q, int batch);

}  // namespace cimsim::test
