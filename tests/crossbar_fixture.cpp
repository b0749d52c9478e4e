#include "crossbar_fixture.hpp"

#include "models/periphery/dac.hpp"

namespace cimsim::test {

CrossbarFixture::CrossbarFixture(const workload::MatrixXi32& w, int weight_bits, int activation_bits,
                                 bool input_signed, const std::string& yaml, int adc_bits) {
  workload::Layer layer;
  layer.name = "dense";
  layer.inputs = {workload::Layer::kNetworkInput};
  layer.weight = Eigen::MatrixXf::Zero(w.rows(), w.cols());
  layer.bias = Eigen::VectorXf::Zero(w.rows());
  layer.out_shape = {w.rows()};
  net.name = "fixture";
  net.input_shape = {w.cols()};
  net.layers.push_back(layer);

  workload::QuantLayer q;
  q.layer = 0;
  q.weight_bits = weight_bits;
  q.activation_bits = activation_bits;
  q.w = w;
  q.w_scale = Eigen::VectorXd::Ones(w.rows());
  q.input_signed = input_signed;
  q.input_max = input_signed ? (1 << (activation_bits - 1)) - 1 : (1 << activation_bits) - 1;
  q.input_min = input_signed ? -(1 << (activation_bits - 1)) : 0;
  qnet.net = &net;
  qnet.layers.push_back(q);
  qnet.index = {0};

  // A chip large enough for any test layer.
  const std::string big_chip = "chip.tiles=4096";
  const std::string& base = yaml;
  cfg = config_with(base, {big_chip});
  dac_bits = static_cast<int>(cfg.section("dac").integer("bits"));
  cell = models::CellRegistry::instance().create(cfg.section("cell"));
  chip = mapping::map_network(qnet, mapping::Architecture::from(cfg), dac_bits, cell->max_bits_per_cell());
  programmed = functional::ProgrammedChip::program(chip, *cell, 7, 0, 1.0, 1);
  const int bits = adc_bits > 0 ? adc_bits : functional::lossless_adc_bits(chip, programmed.g_min_norm);
  cfg = config_with(base, {big_chip, "adc.bits=" + std::to_string(bits)});
  adc = models::AdcRegistry::instance().create(cfg.section("adc"));
}

double CrossbarFixture::current_unit_ua() const {
  return programmed.current_unit_ua(chip);
}

Eigen::MatrixXd CrossbarFixture::multiply(const Eigen::MatrixXi& codes, functional::Activity* activity,
                                          const functional::DriveLevels* drive) const {
  const functional::FullScalePlan plan(chip, adc->common(), programmed.g_min_norm, current_unit_ua());
  functional::CrossbarBackend backend(chip, programmed, *adc, plan, nullptr, 1, drive);
  Eigen::MatrixXd y = backend.multiply(layer(), codes, 0);
  if (activity) *activity = backend.activity();
  return y;
}

Eigen::MatrixXd CrossbarFixture::exact(const Eigen::MatrixXi& codes) const {
  return layer().w.cast<double>() * codes.cast<double>();
}

workload::MatrixXi32 random_weights(std::mt19937& gen, int out, int in, int weight_bits) {
  const int wmax = (1 << (weight_bits - 1)) - 1;
  std::uniform_int_distribution<int> d(-wmax, wmax), coin(0, 1);
  workload::MatrixXi32 w(out, in);
  // weight_bits 1: binary ±1 weights.
  for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = weight_bits == 1 ? 2 * coin(gen) - 1 : d(gen);
  return w;
}

Eigen::MatrixXi random_codes(std::mt19937& gen, const workload::QuantLayer& q, int batch) {
  std::uniform_int_distribution<int> d(q.input_min, q.input_max);
  Eigen::MatrixXi x(q.w.cols(), batch);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = d(gen);
  return x;
}

}  // namespace cimsim::test
