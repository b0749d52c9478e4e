// Products of two activations on arrays rewritten per input (mapping.activation_products: arrays,
// docs/semantics.md): on an ideal chip they equal an integer reference computed here from the codes;
// their writes cost what the cell model says per cell and stall the arrays as docs/timing.md states;
// results do not depend on the batch size or thread count; a PyTorch TransformerEncoderLayer runs
// with them end to end.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "onnx_builder.hpp"
#include "onnx_ideal_chip.hpp"
#include "onnx_zoo.hpp"
#include "sim/config/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/activity_estimate.hpp"
#include "sim/functional/crossbar.hpp"
#include "sim/functional/full_scale.hpp"
#include "sim/run/simulation.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

// Sizes of the constructed attention-like product: two heads, Y_h = X_h · σ(X_h)ᵀ with X_h 5 × 12.
constexpr int kHeads = 2, kRows = 5, kInner = 12;
constexpr int kSamples = 10;

// x [batch, 2, 5, 12] -> Y = x · Transpose(Sigmoid(x)) [batch, 2, 5, 5] -> Flatten. The second
// operand is computed, so the product has no weights to program ahead.
std::string product_model(const test::TempDir& dir) {
  test::OnnxBuilder b;
  b.input("x", {kHeads, kRows, kInner}).output("y");
  b.node("Sigmoid", {"x"}, {"s"}, "sig");
  test::OnnxBuilder::attr(b.node("Transpose", {"s"}, {"st"}, "tr"), "perm", std::vector<std::int64_t>{0, 1, 3, 2});
  b.node("MatMul", {"x", "st"}, {"a"}, "attn");
  b.node("Flatten", {"a"}, {"y"}, "flat");
  return b.save(dir.path(), "product.onnx");
}

// Seeded inputs in [−1, 1) (signed first operand) and labels in the output range.
Eigen::MatrixXf product_inputs() {
  Eigen::MatrixXf x(kHeads * kRows * kInner, kSamples);
  for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = static_cast<float>(std::sin(0.37 * static_cast<double>(k) + 0.1));
  return x;
}

std::string npy_of(const std::string& descr, const std::string& shape, const void* data, std::size_t bytes) {
  return test::npy_bytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }",
                         std::string(static_cast<const char*>(data), bytes));
}

// The same product after a layer with programmed weights: x · W per position, W 12 × 12.
std::string weighted_product_model(const test::TempDir& dir) {
  test::OnnxBuilder b;
  b.input("x", {kHeads, kRows, kInner}).output("y");
  std::vector<float> w(kInner * kInner);
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<float>(std::cos(0.91 * static_cast<double>(k)) / 4);
  b.init("W", {kInner, kInner}, w);
  b.node("MatMul", {"x", "W"}, {"h"}, "proj");
  b.node("Sigmoid", {"h"}, {"s"}, "sig");
  test::OnnxBuilder::attr(b.node("Transpose", {"s"}, {"st"}, "tr"), "perm", std::vector<std::int64_t>{0, 1, 3, 2});
  b.node("MatMul", {"h", "st"}, {"a"}, "attn");
  b.node("Flatten", {"a"}, {"y"}, "flat");
  return b.save(dir.path(), "weighted_product.onnx");
}

// A config file for `model` (the product model unless given) with its data; `yaml` adds sections.
std::string product_config(const test::TempDir& dir, const std::string& yaml, std::string model = "") {
  const Eigen::MatrixXf x = product_inputs();  // column-major: sample-major in memory, as .npy wants
  std::vector<std::int64_t> labels(kSamples);
  for (int s = 0; s < kSamples; ++s) labels[static_cast<std::size_t>(s)] = (7 * s) % (kHeads * kRows * kRows);
  if (model.empty()) model = product_model(dir);
  const std::string inputs = dir.file("x.npy", npy_of("<f4", "(10, 2, 5, 12)", x.data(), sizeof(float) * x.size()));
  const std::string labs = dir.file("y.npy", npy_of("<i8", "(10,)", labels.data(), sizeof(std::int64_t) * labels.size()));
  return dir.file("product.yaml", "workload: {network: " + model + ", inputs: " + inputs + ", labels: " + labs +
                                      ", calibration_inputs: " + inputs + "}\n" +
                                      "run: {seed: 3, chip_instances: 1, mode: full}\n"
                                      "chip: {tiles: auto}\n"
                                      "array: {rows: 8, cols: 8}\n"
                                      "mapping: {activation_products: arrays}\n" +
                                      yaml);
}

std::unique_ptr<run::Simulation> simulate(const std::string& path, const std::vector<std::string>& sets = {}) {
  config::LoadOptions opt;
  opt.sets = sets;
  return run::simulate(config::load_config(path, opt));
}

const mapping::LayerMap& layer_named(const mapping::ChipMap& chip, const std::string& name) {
  for (const auto& lm : chip.layers)
    if (lm.name == name) return lm;
  throw std::runtime_error("no layer " + name);
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A cell with characterised writes: `low` pulses to the lowest level, `level` to any other, 2 pJ
// and `pulse_ns` each; `sigma_us` programming error, `read_noise` relative read noise.
std::string writing_cell(double low, double level, double pulse_ns, double sigma_us, double read_noise = 0) {
  std::ostringstream s;
  s << "cell: {model: gaussian, sigma_us: " << sigma_us << ", read_noise_relative: " << read_noise
    << ", write_pulses_low: " << low << ", write_pulses_level: " << level
    << ", write_pulse_energy_pj: 2, write_pulse_ns: " << pulse_ns << "}\n";
  return s.str();
}

}  // namespace

TEST_CASE("activation products: on ideal cells with a lossless ADC they equal integer products of the codes",
          "[activation_products]") {
  test::TempDir dir;
  const workload::Network net = workload::load_onnx(product_model(dir));
  workload::Dataset calibration;
  calibration.inputs = product_inputs();
  const config::Config cfg = test::config_with("cell: {model: ideal}\nadc: {full_scale: max}\n",
                                               {"array.rows=8", "array.cols=8", "chip.tiles=64"});
  const workload::QuantizedNetwork qnet = workload::quantize(net, calibration, cfg.section("quantization"), true);
  const auto cell = models::CellRegistry::instance().create(cfg.section("cell"));
  const mapping::ChipMap chip = mapping::map_network(qnet, mapping::Architecture::from(cfg), 1, cell->max_bits_per_cell());
  const mapping::LayerMap& attn = layer_named(chip, "attn");
  REQUIRE(attn.written);
  // 12 rows over 8-row arrays, one output of 4 slices × 2 columns per 8-column array: 2 × 5 arrays.
  CHECK(attn.row_blocks == 2);
  CHECK(attn.col_blocks == kRows);
  const functional::ProgrammedChip programmed = functional::ProgrammedChip::program(chip, *cell, 1, 0, 1.0, 1);
  const int bits = functional::lossless_adc_bits(chip, programmed.g_min_norm);
  const config::Config adc_cfg = test::config_with("adc: {full_scale: max, bits: " + std::to_string(bits) + "}\n");
  const auto adc = models::AdcRegistry::instance().create(adc_cfg.section("adc"));
  const functional::FullScalePlan plan(chip, adc->common(), programmed.g_min_norm, programmed.current_unit_ua(chip));
  functional::CrossbarBackend backend(chip, programmed, *adc, plan, nullptr, 1, nullptr);
  const std::vector<functional::Batch> out = functional::quantized_outputs(qnet, calibration.inputs, 0, backend);

  int attn_index = -1, tr_index = -1;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    if (net.layers[l].name == "attn") attn_index = static_cast<int>(l);
    if (net.layers[l].name == "tr") tr_index = static_cast<int>(l);
  }
  const workload::QuantLayer& q = qnet.of(attn_index);
  REQUIRE(q.written);
  REQUIRE(q.input_signed);  // sin() goes negative: two's-complement input slices
  const double wmax = (1 << (q.weight_bits - 1)) - 1;
  std::int64_t nonzero = 0;
  for (int s = 0; s < kSamples; ++s) {
    const Eigen::VectorXf a = calibration.inputs.col(s);
    const Eigen::VectorXf b = out[static_cast<std::size_t>(tr_index)].col(s);  // [2, 12, 5]
    for (int h = 0; h < kHeads; ++h)
      for (int r = 0; r < kRows; ++r)
        for (int o = 0; o < kRows; ++o) {
          std::int64_t sum = 0;
          for (int i = 0; i < kInner; ++i) {
            const double av = a((h * kRows + r) * kInner + i) / q.input_scale;
            const auto ac = static_cast<std::int64_t>(std::clamp<double>(std::round(av), q.input_min, q.input_max));
            const double bv = b((h * kInner + i) * kRows + o) / q.operand_scale;
            const auto bc = static_cast<std::int64_t>(std::clamp<double>(std::round(bv), -wmax, wmax));
            sum += ac * bc;
          }
          nonzero += sum != 0;
          const float expected = static_cast<float>(q.operand_scale * q.input_scale * static_cast<double>(sum));
          INFO("sample " << s << " head " << h << " row " << r << " column " << o);
          CHECK(out[static_cast<std::size_t>(attn_index)](h * kRows * kRows + r * kRows + o, s) == expected);
        }
  }
  CHECK(nonzero > kSamples * kHeads * kRows * kRows / 2);
  // The digital default differs from it: it multiplies the floats.
  const workload::QuantizedNetwork digital = workload::quantize(net, calibration, cfg.section("quantization"));
  CHECK(digital.index[static_cast<std::size_t>(attn_index)] == -1);
}

TEST_CASE("activation products: each write costs the cell's write energy per cell, and the timing engine counts "
          "the same cells",
          "[activation_products]") {
  test::TempDir dir;
  // Every level takes 3 pulses of 2 pJ: 6 pJ per cell written, whatever the digits.
  const auto sim = simulate(product_config(dir, writing_cell(3, 3, 10, 0.5)));
  const mapping::LayerMap& attn = layer_named(sim->chip, "attn");
  const auto l = static_cast<std::size_t>(&attn - sim->chip.layers.data());
  // Per write: 12 rows × 5 outputs × (4 weight slices × 2 columns of a differential pair); two
  // heads, two writes per inference.
  const std::int64_t cells = 2 * 12 * 5 * 4 * 2;
  const functional::Activity act = sim->eval.mean_activity();
  CHECK(act.layers[l].cell_writes == cells);
  CHECK(act.layers[l].write_energy_pj == Approx(6.0 * cells).epsilon(1e-12));
  CHECK(sim->timing.layers[l].counts.cell_writes == cells * sim->timing.inferences);
  double reported = -1;
  for (const auto& [name, pj] : sim->cost.layer_energy[l])
    if (name == "array_writes") reported = pj;
  CHECK(reported == Approx(6.0 * cells).epsilon(1e-12));
  // Programming the chip ahead writes the weights of no written layer.
  CHECK(sim->programming.cells == 0);

  // Levels priced apart: 1 pulse to the lowest level, 5 to the others.
  const auto priced = simulate(product_config(dir, writing_cell(1, 5, 10, 0.5)));
  const double e = priced->eval.mean_activity().layers[l].write_energy_pj;
  CHECK(e > 2.0 * cells);
  CHECK(e < 10.0 * cells);
}

TEST_CASE("activation products: every write stalls the arrays for rows times the slowest cell's write",
          "[activation_products]") {
  test::TempDir dir;
  const std::string path = product_config(dir, writing_cell(2, 2, 100, 0.5));
  // docs/timing.md: under layer_serial, Δcycles = Σ over written layers of writes per inference ×
  // rows of the tallest array × Δ(slowest write per cell), here 2 × 8 × (4 − 2) pulses × 100 ns at 1 GHz.
  const auto slow = simulate(path, {"cell.write_pulses_low=4", "cell.write_pulses_level=4"});
  const auto fast = simulate(path);
  CHECK(slow->timing.cycles - fast->timing.cycles == 2 * 8 * 2 * 100);
  // The digital unit does the same product without writes: fewer cycles than the arrays here.
  const auto digital = simulate(path, {"mapping.activation_products=digital"});
  CHECK(digital->timing.cycles < fast->timing.cycles);
  // An estimate (no data) times the same writes.
  const auto estimate = simulate(path, {"run.mode=estimate"});
  CHECK(estimate->timing.cycles == fast->timing.cycles);
}

TEST_CASE("activation products: batch size and thread count leave report.json bit-identical", "[activation_products]") {
  test::TempDir dir;
  const std::string path = product_config(dir, writing_cell(1, 4, 10, 0.8, 0.05));
  std::string first;
  for (const auto& [batch, threads] : std::vector<std::pair<int, int>>{{1, 1}, {7, 2}, {7, 1}, {1, 2}}) {
    const std::string out = dir.path() + "/out_" + std::to_string(batch) + "_" + std::to_string(threads);
    const auto r = test::run_cimsim({"run", path, "--set", "run.batch_size=" + std::to_string(batch), "--set",
                                     "run.threads=" + std::to_string(threads), "--output", out, "--quiet"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string report = slurp(out + "/report.json");
    if (first.empty()) first = report;
    INFO("batch " << batch << ", threads " << threads);
    CHECK(report == first);
  }
  CHECK(first.find("\"array_writes\"") != std::string::npos);
}

TEST_CASE("activation products: a cell without write costs is refused at the key", "[activation_products]") {
  test::TempDir dir;
  const std::string path = product_config(dir, "cell: {model: ideal}\n");
  try {
    simulate(path);
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    CHECK(what.find("mapping.activation_products") != std::string::npos);
    CHECK(what.find("'ideal'") != std::string::npos);
  }
  CHECK_NOTHROW(simulate(path, {"mapping.activation_products=digital"}));
}

TEST_CASE("activation products: a PyTorch TransformerEncoderLayer runs with attention on arrays",
          "[activation_products][onnx]") {
  const auto z = test::torch_export("transformer_encoder");
  if (!z) return;
  test::TempDir dir;
  const std::string inputs = dir.file("x.npy", npy_of("<f4", "(" + std::to_string(z->inputs.cols()) + ", 6, 32)",
                                                      z->inputs.data(), sizeof(float) * z->inputs.size()));
  const std::string path = dir.file("t.yaml", "workload: {network: " + z->onnx(17) + ", inputs: " + inputs +
                                                  ", calibration_inputs: " + inputs + "}\n"
                                                  "run: {mode: full}\nchip: {tiles: auto}\n"
                                                  "mapping: {activation_products: arrays}\n" +
                                                  writing_cell(1, 4, 10, 0.5));
  const auto sim = simulate(path);
  int written = 0;
  for (const auto& lm : sim->chip.layers)
    if (lm.written) {
      ++written;
      const auto l = static_cast<std::size_t>(&lm - sim->chip.layers.data());
      // Four heads: four writes per inference, each of every cell of the layer's arrays.
      std::int64_t cells = 0;
      for (int ai : lm.arrays) cells += std::int64_t{sim->chip.arrays[static_cast<std::size_t>(ai)].rows} *
                                        sim->chip.arrays[static_cast<std::size_t>(ai)].columns;
      CHECK(lm.vectors_per_sample / lm.vectors_per_write == 4);
      CHECK(sim->eval.mean_activity().layers[l].cell_writes == 4 * cells);
      CHECK(sim->cost.layer_energy[l][1].first == "array_writes");
      CHECK(sim->cost.layer_energy[l][1].second > 0);
    }
  CHECK(written == 2);  // Q·Kᵀ and P·V

  // On ideal cells with a lossless ADC the whole encoder gives exactly the integer reference.
  const workload::Network net = workload::load_onnx(z->onnx(17));
  workload::Dataset calibration;
  calibration.inputs = z->inputs;
  const config::Config cfg = test::config_with("");
  const workload::QuantizedNetwork qnet = workload::quantize(net, calibration, cfg.section("quantization"), true);
  const test::IdealChip chip(qnet);
  functional::ExactBackend exact;
  const Eigen::MatrixXf reference = functional::quantized_logits(qnet, z->inputs, 0, exact);
  CHECK((chip.logits(qnet, z->inputs) - reference).cwiseAbs().maxCoeff() == 0.0f);
}

TEST_CASE("activation products: an estimate gives a full run's cycles, cells written and, for level-independent "
          "writes, write energy",
          "[activation_products][modes]") {
  test::TempDir dir;
  const std::string path = product_config(dir, writing_cell(3, 3, 20, 0.5));
  const auto full = simulate(path);
  const auto estimate = simulate(path, {"run.mode=estimate"});
  REQUIRE_FALSE(estimate->full);
  CHECK(estimate->timing.cycles == full->timing.cycles);
  CHECK(estimate->timing.steady_cycles_per_inference == full->timing.steady_cycles_per_inference);
  const functional::Activity measured = full->eval.mean_activity();
  const functional::Activity uniform = cost::uniform_activity(estimate->chip, *estimate->cell, estimate->drive);
  for (std::size_t l = 0; l < full->chip.layers.size(); ++l) {
    CHECK(uniform.layers[l].cell_writes == measured.layers[l].cell_writes);
    CHECK(uniform.layers[l].write_energy_pj == Approx(measured.layers[l].write_energy_pj).epsilon(1e-12));
  }
  CHECK(estimate->cost.energy[1].first == "array_writes");
  CHECK(estimate->cost.energy[1].second == Approx(full->cost.energy[1].second).epsilon(1e-12));
  CHECK(full->cost.energy[1].second > 0);
}

TEST_CASE("activation products: programming rounds (chip.reprogram) leave the written layer's results and writes alone",
          "[activation_products]") {
  // proj's programmed weights take 24 arrays of 8 × 8, attn's written arrays 10: on 3 tiles of 8
  // arrays they run in two programming rounds. Rounds reprogram the programmed weights only: every
  // output, the writes per inference and their energy stay those of one round.
  test::TempDir dir;
  const std::string path = product_config(dir, writing_cell(1, 4, 10, 0.5, 0.02), weighted_product_model(dir));
  const auto one = simulate(path);
  const auto rounds = simulate(path, {"chip.reprogram=true", "chip.tiles=3", "tile.arrays=8"});
  REQUIRE(one->programming.rounds() == 1);
  REQUIRE(rounds->programming.rounds() == 2);
  CHECK(rounds->eval.instances.front().correct == one->eval.instances.front().correct);
  const mapping::LayerMap& attn = layer_named(rounds->chip, "attn");
  REQUIRE(attn.written);
  const auto l = static_cast<std::size_t>(&attn - rounds->chip.layers.data());
  const functional::Activity a = rounds->eval.mean_activity(), b = one->eval.mean_activity();
  CHECK(a.layers[l].cell_writes == b.layers[l].cell_writes);
  CHECK(a.layers[l].write_energy_pj == b.layers[l].write_energy_pj);
  // Programming writes proj's cells, never attn's: round 1 holds attn alone, so it programs no cell
  // ahead and stalls nothing; attn's own writes stall it per input as in one round.
  CHECK(rounds->programming.cells == one->programming.cells);
  CHECK(rounds->programming.round_cells[0] == one->programming.cells);
  CHECK(rounds->programming.round_cells[1] == 0);
  CHECK(rounds->timing.reprogram_cycles == 0);
  CHECK(rounds->timing.layers[l].counts.cell_writes == one->timing.layers[l].counts.cell_writes);
  CHECK(rounds->timing.cycles == one->timing.cycles);
}
