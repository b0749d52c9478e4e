// Writing weights: the programming cost of every cell, reprogramming in rounds when a network
// does not fit (write time stalls the run, writes wear the cells), and the refusals when it may not.

#include <catch2/catch.hpp>

#include "engine_support.hpp"
#include "models/cells/cell_model.hpp"
#include "sim/config/error.hpp"
#include "sim/cost/programming.hpp"
#include "sim/mapping/placement.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"

using namespace cimsim;

namespace {

// A cell whose write cost grows with the target: 100 ns + 10 ns/µS and 2 pJ/µS per cell.
class WritableCell final : public models::CellModel {
 public:
  double g_min_us() const override { return 1; }
  double g_max_us() const override { return 8; }
  int max_bits_per_cell() const override { return 3; }
  models::ArrayDevices program(const Eigen::MatrixXf& target, const models::ArrayKey&, double) const override {
    models::ArrayDevices d;
    d.g_us = target;
    return d;
  }
  double area_f2() const override { return 25; }
  models::WriteCost write_cost(double g) const override { return {true, 1, 2 * g, 100 + 10 * g}; }
  double endurance_writes() const override { return 1e6; }
};

engine::ShapeNetwork three_layers() {
  return test::network(1, 1, 32, {engine::dense_shape("fc1", 16), engine::dense_shape("fc2", 16), engine::dense_shape("fc3", 16)});
}

}  // namespace

TEST_CASE("programming: rows write one at a time, as slow as their slowest cell", "[engine][programming]") {
  test::EngineCase c(test::kSmallChip);
  auto chip = c.map(test::network(1, 1, 2, {engine::dense_shape("fc", 1)}));
  mapping::ArrayMap& a = chip.arrays.front();
  REQUIRE(a.rows == 2);
  REQUIRE(a.columns == 2);  // one differential pair
  a.digits = mapping::MatrixXu8(2, 2);
  a.digits << 0, 7, 3, 1;  // G = 1 + d µS (3-bit cells over 1..8 µS)
  const cost::ProgrammingCost p = cost::programming_cost(chip, WritableCell());
  CHECK(p.characterised);
  CHECK(p.cells == 4);
  // Row 0: targets 1 and 8 µS, slowest 180 ns; row 1: 4 and 2 µS, slowest 140 ns.
  CHECK(p.round_time_ns.front() == Approx(180 + 140));
  CHECK(p.energy_pj == Approx(2 * (1 + 8 + 4 + 2)));
  CHECK(p.endurance_writes == 1e6);
  CHECK(p.writes_per_cell_per_batch() == 0);
  // Without digits (a shape-only map) every row holds every level.
  const cost::ProgrammingCost shape = cost::programming_cost(c.map(test::network(1, 1, 2, {engine::dense_shape("fc", 1)})),
                                                             WritableCell());
  CHECK(shape.round_time_ns.front() == Approx(2 * 180));
  CHECK(shape.energy_pj == Approx(4 * 2 * 4.5));  // mean target (1 + 8) / 2 µS
}

TEST_CASE("programming: a cell model without write data says so", "[engine][programming]") {
  const auto s = run::simulate(test::config_with("workload: {samples: 4}\n"));
  CHECK_FALSE(s->cost.programming.characterised);
  CHECK(s->cost.programming.cells == s->chip.cells_used());
  const std::string j = report::build_json(*s).dump(2);
  CHECK_THAT(j, Catch::Contains("\"characterised\": false"));
  CHECK_THAT(report::console_summary(*s, ""), Catch::Contains("write cost not characterised"));
}

TEST_CASE("reprogramming: rounds of layers, write time stalls the run", "[engine][reprogram]") {
  test::EngineCase c(test::kSmallChip, {"chip.tiles=1", "tile.arrays=2", "chip.reprogram=true"});
  const auto chip = c.map(three_layers());
  const auto rounds = mapping::programming_rounds(chip);
  REQUIRE(rounds.count == 2);
  CHECK(rounds.of_layer == std::vector<int>{0, 0, 1});
  CHECK(chip.arrays[2].tile == 0);  // the third layer reuses the first tile
  CHECK(chip.arrays[2].slot == 0);
  c.params.round_write_cycles = {0, 0};
  const auto free_writes = c.run(chip);
  c.params.round_write_cycles = {0, 500};
  const auto r = c.run(chip);
  CHECK(r.rounds == 2);
  CHECK(r.reprogram_cycles == 500);
  CHECK(r.cycles == free_writes.cycles + 500);
  CHECK(r.layers[2].start_cycle == r.layers[1].end_cycle + 500);
  CHECK(r.layers[2].round == 1);
  // Every array position serves both rounds: two writes per batch, and the write energy of both.
  const cost::ProgrammingCost p = cost::programming_cost(chip, WritableCell());
  CHECK(p.rounds() == 2);
  CHECK(p.writes_per_cell_per_batch() == 2);
  CHECK(p.reprogram_energy_per_batch_pj() == Approx(p.energy_pj));
  CHECK(p.reprogram_time_per_batch_ns() == Approx(p.round_time_ns[1]));
}

TEST_CASE("reprogramming: refused unless allowed, and never for pipelined", "[engine][reprogram]") {
  test::EngineCase c(test::kSmallChip, {"chip.tiles=1", "tile.arrays=2"});
  try {
    c.map(three_layers());
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(e.key() == "chip.tiles");
    CHECK_THAT(std::string(e.what()), Catch::Contains("needs 3 arrays in 2 tiles"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("short by 1"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("chip.reprogram"));
  }
  CHECK_THROWS_WITH(test::EngineCase(test::kSmallChip, {"chip.schedule=pipelined", "chip.reprogram=true"}),
                    Catch::Contains("reprogramming needs schedule: layer_serial"));
  // A layer larger than the whole chip cannot be run in rounds either.
  test::EngineCase small(test::kSmallChip, {"chip.tiles=1", "tile.arrays=2", "chip.reprogram=true"});
  CHECK_THROWS_WITH(small.map(test::network(1, 1, 32, {engine::dense_shape("wide", 48)})),
                    Catch::Contains("layer 'wide' alone needs 3 arrays"));
}

TEST_CASE("reprogramming: a full run in rounds keeps both engines' counts", "[engine][reprogram][contract]") {
  // The digits MLP needs 9 arrays; one tile of 8 runs it in two rounds.
  const auto s = run::simulate(test::config_with("chip: {tiles: 1, reprogram: true}\nworkload: {samples: 8}\n"));
  CHECK(s->timing.rounds == 2);
  const auto mean = s->eval.mean_activity();
  for (std::size_t l = 0; l < mean.layers.size(); ++l) CHECK(s->timing.layers[l].counts.same_counts(mean.layers[l]));
  const auto j = report::build_json(*s);
  CHECK(j.find("programming")->find("rounds")->find("value")->as_number() == 2);
  CHECK(j.find("programming")->find("writes_per_cell_per_batch")->find("value")->as_number() == 2);
}
