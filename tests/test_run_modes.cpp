// run.mode: an estimate (no chip programmed, read energy for uniform digits) and a full run of the
// same config differ only in the data-dependent read energies; `cimsim check` maps the network and
// reports what does not fit before anything runs.

#include <catch2/catch.hpp>

#include <cmath>

#include "onnx_builder.hpp"
#include "sim/config/loader.hpp"
#include "sim/mapping/mapping.hpp"
#include "sim/run/simulation.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "sim/workload/quantize_options.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::unique_ptr<run::Simulation> run_in_mode(const std::string& config, const std::string& mode) {
  config::LoadOptions opt;
  opt.sets = {"workload.samples=16", "run.chip_instances=1", "run.timing_inferences=2", "run.mode=" + mode};
  return run::simulate(config::load_config(test::source_dir() + "/" + config, opt));
}

}  // namespace

TEST_CASE("modes: an estimate gives a full run's cycles, latency, area and programming, only read energies differ",
          "[modes]") {
  for (const std::string config : {"configs/default.yaml", "configs/digits_cnn.yaml"}) {
    INFO(config);
    const auto full = run_in_mode(config, "full");
    const auto estimate = run_in_mode(config, "estimate");
    REQUIRE(full->full);
    REQUIRE_FALSE(estimate->full);
    // Neither map keeps digits (a byte per cell): programming and its cost compute them per array.
    CHECK(estimate->chip.arrays.front().digits.size() == 0);
    CHECK(full->chip.arrays.front().digits.size() == 0);
    CHECK(estimate->timing.cycles == full->timing.cycles);
    CHECK(estimate->timing.steady_cycles_per_inference == full->timing.steady_cycles_per_inference);
    CHECK(estimate->timing.latency_ns() == full->timing.latency_ns());
    REQUIRE(estimate->cost.area.size() == full->cost.area.size());
    for (std::size_t i = 0; i < full->cost.area.size(); ++i) CHECK(estimate->cost.area[i] == full->cost.area[i]);
    // Programming reads the same digits, computed array by array in both.
    CHECK(estimate->programming.cells == full->programming.cells);
    CHECK(estimate->programming.energy_pj == full->programming.energy_pj);
    CHECK(estimate->programming.round_time_ns == full->programming.round_time_ns);
    // Every energy but the cells' and the drivers' comes from counts both runs share.
    REQUIRE(estimate->cost.energy.size() == full->cost.energy.size());
    for (std::size_t i = 0; i < full->cost.energy.size(); ++i) {
      const auto& [name, value] = full->cost.energy[i];
      INFO(name);
      const double estimated = estimate->cost.energy[i].second;
      if (name == "cells" || name == "dac") {
        // docs/energy-area.md: uniform digits overstate the reads of a trained ReLU network (the
        // cells 2.9x on the digits MLP, 3.9x on the CNN); 1-bit drivers cost the same either way.
        CHECK(estimated >= value * (1 - 1e-12));
        CHECK(estimated <= 5 * value);
      } else {
        CHECK(estimated == value);
      }
    }
  }
}

TEST_CASE("modes: cimsim check maps the network, prints the auto sizes and refuses a chip too small", "[modes][cli]") {
  const std::string config = test::source_dir() + "/configs/digits_cnn.yaml";
  const auto ok = test::run_cimsim({"check", config});
  INFO(ok.err);
  REQUIRE(ok.status == 0);
  CHECK(ok.out.find("# network     digits_cnn") != std::string::npos);
  CHECK(ok.out.find(" tiles") != std::string::npos);
  // Too few tiles: the mapper's error, at the key, from check (nothing ran: no output folder).
  test::TempDir dir;
  const auto small = test::run_cimsim({"check", config, "--set", "chip.tiles=1", "--set", "tile.arrays=1",
                                       "--set", "run.output_dir=" + dir.path() + "/out"});
  CHECK(small.status == 2);
  CHECK(small.err.find("tiles") != std::string::npos);
  CHECK(small.out.empty());
  // A global buffer smaller than the schedule needs.
  const auto buffer = test::run_cimsim({"check", config, "--set", "chip.global_buffer_kib=0.01"});
  CHECK(buffer.status == 2);
  CHECK(buffer.err.find("global_buffer_kib") != std::string::npos);
  // A tile input buffer too small for a window, every buffer sized by hand (nothing `auto` to
  // settle): refused by check as by the run.
  const auto window = test::run_cimsim({"check", config, "--set", "tile.input_buffer_kib=0.05", "--set",
                                        "tile.output_buffer_kib=8", "--set", "chip.global_buffer_kib=256"});
  CHECK(window.status == 2);
  CHECK(window.err.find("tile.input_buffer_kib") != std::string::npos);
  CHECK(window.err.find("needs 19 input units") != std::string::npos);
}

// An estimate quantizes no weight codes (workload::QuantizeOptions::weight_codes): the mapping then
// tells an all-zero block from the float weights. Depthwise weights whose groups hold weights that
// round to zero, to one exactly at the half step and above, on arrays cut into many row blocks,
// with differential pairs (which leave all-zero blocks out): the arrays must be the same as with
// the codes.
TEST_CASE("modes: without weight codes the mapping leaves out exactly the blocks the codes leave out", "[modes][mapping]") {
  const int channels = 48;
  std::vector<float> w(static_cast<std::size_t>(channels * 9));
  const double top = 1.0, step = top / 127;  // per-tensor scale at 8 bits
  for (int c = 0; c < channels; ++c)
    for (int k = 0; k < 9; ++k) {
      float v = 0.0f;
      switch (c % 4) {
        case 0: v = static_cast<float>(0.49 * step); break;          // rounds to 0
        case 1: v = static_cast<float>((k == 4 ? 0.5 : 0.2) * step); break;  // one weight at the half step
        case 2: v = static_cast<float>((k % 2 ? -1 : 1) * 0.3 * step * (k + 1)); break;
        default: v = 0.0f;
      }
      w[static_cast<std::size_t>(c * 9 + k)] = v;
    }
  w[0] = static_cast<float>(top);  // sets the scale
  test::OnnxBuilder b;
  b.input("x", {channels, 5, 5}).output("y");
  b.init("W", {channels, 1, 3, 3}, w);
  auto& conv = b.node("Conv", {"x", "W"}, {"y"});
  test::OnnxBuilder::attr(conv, "group", static_cast<std::int64_t>(channels));
  test::TempDir dir;
  const workload::Network net = workload::load_onnx(b.save(dir.path(), "depthwise.onnx"));
  workload::Dataset calibration;
  calibration.inputs = Eigen::MatrixXf::Random(channels * 25, 2);
  const config::Config cfg = test::config_with("mapping: {encoding: differential, bits_per_cell: 2}\n"
                                               "array: {rows: 16, cols: 64}\n", {});
  workload::QuantizeOptions with, without;
  without.weight_codes = false;
  const auto coded = workload::quantize(net, calibration, cfg.section("quantization"), with);
  const auto shapes = workload::quantize(net, calibration, cfg.section("quantization"), without);
  REQUIRE(workload::codes_omitted(shapes.layers.front()));
  REQUIRE(!workload::codes_omitted(coded.layers.front()));
  const auto arch = mapping::Architecture::from(cfg);
  const mapping::ChipMap a = mapping::map_network(coded, arch, 1, 8, false);
  const mapping::ChipMap b2 = mapping::map_network(shapes, arch, 1, 8, false);
  const auto& lm = a.layers.front();
  INFO(lm.row_blocks << " row blocks, " << lm.col_blocks << " column blocks, " << a.arrays.size() << " arrays");
  CHECK(a.arrays.size() < static_cast<std::size_t>(lm.row_blocks * lm.col_blocks));  // some were left out
  REQUIRE(a.arrays.size() == b2.arrays.size());
  for (std::size_t k = 0; k < a.arrays.size(); ++k) {
    CHECK(a.arrays[k].row_begin == b2.arrays[k].row_begin);
    CHECK(a.arrays[k].output_begin == b2.arrays[k].output_begin);
  }
}
