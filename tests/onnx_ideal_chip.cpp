#include "onnx_ideal_chip.hpp"

#include "sim/functional/crossbar.hpp"
#include "sim/functional/full_scale.hpp"
#include "support.hpp"

namespace cimsim::test {

IdealChip::IdealChip(const workload::QuantizedNetwork& qnet) {
  const std::string yaml = "cell: {model: ideal}\nadc: {full_scale: max}\n";
  cfg = config_with(yaml, {"chip.tiles=65536"});
  cell = models::CellRegistry::instance().create(cfg.section("cell"));
  chip = mapping::map_network(qnet, mapping::Architecture::from(cfg), static_cast<int>(cfg.section("dac").integer("bits")),
                              cell->max_bits_per_cell());
  programmed = functional::ProgrammedChip::program(chip, *cell, 1, 0, 1.0, 1);
  const int bits = functional::lossless_adc_bits(chip, programmed.g_min_norm);
  cfg = config_with(yaml, {"chip.tiles=65536", "adc.bits=" + std::to_string(bits)});
  adc = models::AdcRegistry::instance().create(cfg.section("adc"));
}

Eigen::MatrixXf IdealChip::logits(const workload::QuantizedNetwork& qnet, const Eigen::MatrixXf& x,
                                  std::int64_t first_sample, const functional::MatrixObserver& observe) const {
  const functional::FullScalePlan plan(chip, adc->common(), programmed.g_min_norm, programmed.current_unit_ua(chip));
  functional::CrossbarBackend backend(chip, programmed, *adc, plan, nullptr, 1, nullptr);
  return functional::quantized_logits(qnet, x, first_sample, backend, observe);
}

}  // namespace cimsim::test
