#pragma once
// A chip that should compute exactly what the integer arithmetic does: ideal cells, and an ADC
// at full scale `max` with the lossless number of bits for the mapping (the default chip
// otherwise, with as many tiles as a network needs).

#include <memory>

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "sim/functional/programmed_chip.hpp"
#include "sim/functional/reference.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/workload/quantize.hpp"

namespace cimsim::test {

struct IdealChip {
  config::Config cfg;
  std::unique_ptr<models::CellModel> cell;
  std::unique_ptr<models::AdcModel> adc;
  mapping::ChipMap chip;
  functional::ProgrammedChip programmed;

  explicit IdealChip(const workload::QuantizedNetwork& qnet);
  Eigen::MatrixXf logits(const workload::QuantizedNetwork& qnet, const Eigen::MatrixXf& x, std::int64_t first_sample = 0,
                         const functional::MatrixObserver& observe = nullptr) const;
};

}  // namespace cimsim::test
