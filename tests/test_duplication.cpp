// Weight duplication (mapping.copies): copies of a layer's arrays share its units, unit u going to
// copy u mod copies. The work per inference stays the same, the arrays, area and programming grow
// with the copies, the copies run side by side, and every copy's reads and draws are its own
// whatever the batch.

#include <catch2/catch.hpp>

#include <algorithm>

#include "engine_support.hpp"
#include "sim/config/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/engine/plan.hpp"
#include "sim/mapping/duplication.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"

using namespace cimsim;
using test::EngineCase;

namespace {

// A convolution of 8 × 8 output pixels (64 vectors of 4 reads, one array) before a dense layer of
// 512 inputs (one vector, 16 row blocks of 32: 16 arrays).
engine::ShapeNetwork conv_then_dense() {
  return test::network(2, 8, 8, {engine::conv_shape("conv", 8, 3, 1, 1), engine::dense_shape("fc", 10)});
}

const std::vector<std::string> kPipelined = {"chip.schedule=pipelined", "chip.tiles=21"};

std::vector<std::string> with(std::vector<std::string> sets, const std::vector<std::string>& more) {
  sets.insert(sets.end(), more.begin(), more.end());
  return sets;
}

std::unique_ptr<run::Simulation> digits(const std::vector<std::string>& extra) {
  config::LoadOptions opt;
  opt.sets = {"workload.samples=24", "run.chip_instances=1", "run.progress=never"};
  opt.sets.insert(opt.sets.end(), extra.begin(), extra.end());
  return run::simulate(config::load_config(test::source_dir() + "/configs/digits_cnn.yaml", opt));
}

}  // namespace

TEST_CASE("duplication: copies hold the layer's arrays again, placed after it, and leave its work per inference",
          "[duplication][mapping]") {
  EngineCase one(test::kSmallChip, kPipelined);
  EngineCase three(test::kSmallChip, with(kPipelined, {"mapping.layers={conv: {copies: 3}}"}));
  const auto a = one.map(conv_then_dense()), b = three.map(conv_then_dense());
  REQUIRE(b.layers[0].copies == 3);
  REQUIRE(b.layers[1].copies == 1);
  REQUIRE(b.layers[0].copy_arrays.size() == 2 * b.layers[0].arrays.size());
  CHECK(b.arrays.size() == a.arrays.size() + b.layers[0].copy_arrays.size());
  for (int k = 1; k < 3; ++k) {
    const auto arrays = b.layers[0].arrays_of_copy(k);
    for (std::size_t i = 0; i < arrays.size(); ++i) {
      const auto& copy = b.arrays[static_cast<std::size_t>(arrays[i])];
      const auto& original = b.arrays[static_cast<std::size_t>(b.layers[0].arrays[i])];
      CHECK(copy.copy == k);
      CHECK(copy.row_begin == original.row_begin);
      CHECK(copy.output_begin == original.output_begin);
      CHECK(copy.readouts.size() == original.readouts.size());
    }
  }
  // One array per tile: the conv's three copies on tiles 0–2, the dense layer from tile 3.
  CHECK(b.tiles_used == 19);
  CHECK(b.arrays[static_cast<std::size_t>(b.layers[1].arrays.front())].tile == 3);

  const auto ra = one.run(a), rb = three.run(b);
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    INFO(a.layers[l].name);
    CHECK(ra.layers[l].counts.same_counts(rb.layers[l].counts));
    CHECK(ra.layers[l].traffic.input_buffer_read_bits == rb.layers[l].traffic.input_buffer_read_bits);
  }
  CHECK(rb.layers[0].arrays == 3 * ra.layers[0].arrays);
  CHECK(rb.layers[0].tiles == 3);
}

TEST_CASE("duplication: a read-bound layer with c copies streams c vectors in the time of one", "[duplication][timing]") {
  // docs/timing.md: copy k computes units k, k + c, …; each copy's array keeps its own pace, so in
  // steady state c inferences of a one-vector layer complete per period of one copy.
  for (const int copies : {2, 3}) {
    INFO(copies << " copies");
    test::OneArray single({"chip.schedule=pipelined"});
    test::OneArray many({"chip.schedule=pipelined", "mapping.copies=" + std::to_string(copies)});
    REQUIRE(many.chip.layers[0].copies == copies);
    const int n = 12;
    const auto r1 = single.c.run(single.chip, n), rc = many.c.run(many.chip, n);
    const auto done = [](const engine::TimingResult& r, int i) { return r.inference_done_cycles[static_cast<std::size_t>(i)]; };
    const std::int64_t period = done(r1, n - 1) - done(r1, n - 2);
    CHECK(done(rc, n - 1) - done(rc, n - 1 - copies) == period);
    // Each inference's vector crossed the bus once per copy, and the layer did n vectors' work.
    CHECK(rc.layers[0].counts.same_counts(r1.layers[0].counts));
    CHECK(rc.cycles < r1.cycles);
  }
}

TEST_CASE("duplication: a copy's input buffer holds only what its own units need", "[duplication][timing]") {
  // Two dense layers of four copies each, pipelined, six inferences; the consumer's share of its
  // input buffer holds two units. Copy 2 of fc2 first needs unit 2 of fc1: units 0 and 1 pass it
  // by without taking room, or fc1 would wait for room that copy 2 frees only after unit 2.
  const auto net = test::network(1, 1, 32, {engine::dense_shape("fc1", 16), engine::dense_shape("fc2", 16)});
  const std::vector<std::string> sets = {"chip.tiles=8", "chip.schedule=pipelined", "tile.input_buffer_kib=0.015625"};
  EngineCase one(test::kSmallChip, sets);
  auto four_sets = sets;
  four_sets.push_back("mapping.copies=4");
  EngineCase four(test::kSmallChip, four_sets);
  const auto chip = four.map(net);
  const engine::ChipPlan plan = engine::make_plan(chip, four.params);
  CHECK(plan.stations[static_cast<std::size_t>(plan.layers[1].stations.front())].inputs[0].capacity_units == 2);
  const auto r1 = one.run(one.map(net), 6), r4 = four.run(chip, 6);
  CHECK(r4.cycles < r1.cycles);
  for (std::size_t l = 0; l < 2; ++l) CHECK(r4.layers[l].counts.same_counts(r1.layers[l].counts));
}

TEST_CASE("duplication: layer_serial copies split a layer's vectors and shorten it", "[duplication][timing]") {
  EngineCase one(test::kSmallChip, {"chip.tiles=40"});
  EngineCase two(test::kSmallChip, {"chip.tiles=40", "mapping.copies=2"});
  const auto ra = one.run(one.map(conv_then_dense())), rb = two.run(two.map(conv_then_dense()));
  const auto cycles = [](const engine::TimingResult& r) { return r.layers[0].end_cycle - r.layers[0].start_cycle; };
  // 64 vectors of 4 reads on one array against 32 on each of two: about half, plus the fill.
  CHECK(cycles(rb) < 0.6 * static_cast<double>(cycles(ra)));
  CHECK(ra.layers[0].counts.same_counts(rb.layers[0].counts));
}

TEST_CASE("duplication: auto gives the slowest layer copies while the network fits the tiles", "[duplication][mapping]") {
  // 21 tiles of one array: the dense layer keeps its 16, the convolution (64 vectors against 1)
  // takes the other five.
  EngineCase c(test::kSmallChip, with(kPipelined, {"mapping.copies=auto"}));
  const auto chip = c.map(conv_then_dense());
  CHECK(chip.layers[0].copies == 5);
  CHECK(chip.layers[1].copies == 1);
  CHECK(chip.tiles_used == 21);
  CHECK(mapping::tiles_needed(chip, {5, 1}) == 21);
  CHECK(mapping::tiles_needed(chip, {5, 2}) == 37);
  // A layer's own count is kept: the convolution fixed at 2 stops auto there.
  EngineCase fixed(test::kSmallChip, with(kPipelined, {"mapping.copies=auto", "mapping.layers={conv: {copies: 2}}"}));
  const auto f = fixed.map(conv_then_dense());
  CHECK(f.layers[0].copies == 2);
  CHECK(f.layers[1].copies == 1);
}

TEST_CASE("duplication: layer_serial auto goes on past a layer that cannot take another copy", "[duplication][mapping]") {
  // a: 3×3 over 8×8 (64 vectors, one array); b: 3×3 stride 2 after it (16 vectors, 72 rows: three
  // arrays). Nine tiles of one array: a takes copies until b is the slower (a ×5), b's next copy
  // would not fit, and a, now the slowest of the layers left, takes the last tile (×6). A pipeline
  // would stop at b.
  const auto net = test::network(2, 8, 8, {engine::conv_shape("a", 8, 3, 1, 1), engine::conv_shape("b", 8, 3, 2, 1)});
  EngineCase serial(test::kSmallChip, {"chip.tiles=9", "mapping.copies=auto"});
  const auto s = serial.map(net);
  CHECK(s.layers[0].copies == 6);
  CHECK(s.layers[1].copies == 1);
  EngineCase pipe(test::kSmallChip, {"chip.tiles=9", "chip.schedule=pipelined", "mapping.copies=auto"});
  const auto p = pipe.map(net);
  CHECK(p.layers[0].copies == 5);
  CHECK(p.layers[1].copies == 1);
}

TEST_CASE("duplication: copies that do not fit, unknown layers and auto without a tile budget are refused",
          "[duplication][errors]") {
  auto error_of = [](const std::vector<std::string>& sets) {
    EngineCase c(test::kSmallChip, sets);
    try {
      c.map(conv_then_dense());
    } catch (const config::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string too_many = error_of(with(kPipelined, {"mapping.copies=4"}));
  CHECK_THAT(too_many, Catch::Contains("chip.tiles") && Catch::Contains("are copies (mapping.copies)"));
  CHECK_THAT(error_of({"mapping.layers={nope: {copies: 2}}"}),
             Catch::Contains("mapping.layers.nope") && Catch::Contains("names no matrix layer"));
  CHECK_THAT(error_of({"mapping.copies=auto", "chip.tiles=auto"}),
             Catch::Contains("mapping.copies") && Catch::Contains("chip.tiles is auto"));
}

TEST_CASE("duplication: on ideal cells copies change no result, only arrays, area, programming and time",
          "[duplication][functional]") {
  const auto one = digits({"cell={model: ideal}"});
  const auto two = digits({"cell={model: ideal}", "mapping.copies=2"});
  CHECK(two->eval.instances[0].correct == one->eval.instances[0].correct);
  CHECK(two->chip.arrays.size() == 2 * one->chip.arrays.size());
  CHECK(two->programming.cells == 2 * one->programming.cells);
  CHECK(two->programming.energy_pj == Approx(2 * one->programming.energy_pj).epsilon(1e-9));
  const auto a1 = one->eval.mean_activity(), a2 = two->eval.mean_activity();
  for (std::size_t l = 0; l < a1.layers.size(); ++l) {
    INFO(one->chip.layers[l].name);
    CHECK(a2.layers[l].same_counts(a1.layers[l]));
    CHECK(a2.layers[l].cell_energy_pj == Approx(a1.layers[l].cell_energy_pj).epsilon(1e-12));
    CHECK(a2.layers[l].dac_energy_pj == Approx(a1.layers[l].dac_energy_pj).epsilon(1e-12));
  }
  CHECK(two->timing.cycles < one->timing.cycles);
  // The report names the copies and what they cost.
  auto report = report::build_json(*two);
  const auto& layer0 = report["layers"].as_array().front();
  CHECK(report["mapping"]["copy_arrays"]["value"].as_number() == static_cast<double>(one->chip.arrays.size()));
  CHECK(report["mapping"]["copy_area"]["value"].as_number() > 0);
  CHECK(layer0.find("copies")->find("value")->as_number() == 2);
  CHECK(layer0.find("arrays")->find("value")->as_number() ==
        2 * static_cast<double>(one->chip.layers[0].arrays.size()));
}

TEST_CASE("duplication: each copy has its own devices, drawn whatever the batch and the threads",
          "[duplication][functional][determinism]") {
  // Gaussian programming error and read noise on every read: the copies' conductances differ, so
  // their read energies do; the report is the same at any batch size and thread count.
  const std::vector<std::string> sets = {"cell={model: gaussian, sigma_us: 0.5, read_noise_relative: 0.02}",
                                         "mapping.copies=3"};
  auto report = [&](int batch, int threads) {
    auto s = sets;
    s.push_back("run.batch_size=" + std::to_string(batch));
    s.push_back("run.threads=" + std::to_string(threads));
    return report::build_json(*digits(s)).dump(1);
  };
  const std::string first = report(64, 2);
  CHECK(report(7, 1) == first);
  CHECK(report(1, 2) == first);
  const auto one = digits({sets[0]}), three = digits(sets);
  const auto a1 = one->eval.mean_activity(), a3 = three->eval.mean_activity();
  CHECK(a3.layers[0].cell_energy_pj != a1.layers[0].cell_energy_pj);
  CHECK(a3.layers[0].same_counts(a1.layers[0]));
}

TEST_CASE("duplication: an estimate gives a full run's cycles with copies", "[duplication][modes]") {
  const auto full = digits({"mapping.copies=2", "run.mode=full"});
  const auto estimate = digits({"mapping.copies=2", "run.mode=estimate"});
  CHECK(estimate->timing.cycles == full->timing.cycles);
  CHECK(estimate->programming.energy_pj == full->programming.energy_pj);
  const auto one = digits({"run.mode=estimate"});
  // A vector is read by one copy: the estimated read energies do not grow with the copies.
  auto energy = [](const run::Simulation& s, const std::string& name) {
    for (const auto& [n, pj] : s.cost.energy)
      if (n == name) return pj;
    FAIL("no energy entry " << name);
    return 0.0;
  };
  for (const std::string name : {"cells", "dac", "adc"})
    CHECK(energy(*estimate, name) == Approx(energy(*one, name)).epsilon(1e-12));
}
