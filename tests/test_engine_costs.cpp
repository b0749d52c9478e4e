// Cost models: technology scaling of digital and buffer energies, buffers sized by capacity and
// ports, leakage over the simulated time, the interconnect's energy per hop, and the node presets.

#include <catch2/catch.hpp>

#include <cmath>

#include "models/tech/tech.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

models::Tech at(double node_nm, double vdd_v) {
  models::Tech t;
  t.node_nm = node_nm;
  t.vdd_v = vdd_v;
  return t;
}

}  // namespace

TEST_CASE("tech: Horowitz's 45 nm figures scale with F and V^2", "[cost][tech]") {
  const models::Tech ref = at(45, 0.9);
  CHECK(ref.add_pj() == Approx(0.1));
  CHECK(ref.mult_pj() == Approx(3.1));
  const models::Tech n22 = at(22, 0.8);
  CHECK(n22.add_pj() == Approx(0.1 * 22 / 45 * (0.8 / 0.9) * (0.8 / 0.9)));
  CHECK(n22.adder_um2() == Approx(137 * (22.0 / 45) * (22.0 / 45)));
  // ISAAC's router energy at its own node, and wires at ½·C·V².
  CHECK(at(32, 0.9).router_pj_per_bit() == Approx(20.74 / 256));
  CHECK(at(32, 0.9).wire_pj_per_bit_mm() == Approx(0.5 * 0.2 * 0.81));
}

TEST_CASE("tech: every node preset loads with its own values", "[cost][tech][config]") {
  for (const char* node : {"14nm", "22nm", "28nm", "32nm", "45nm", "65nm"}) {
    INFO(node);
    const auto cfg = test::config_with(std::string("tech: {preset: ") + node + "}\n");
    const auto t = models::Tech::from(cfg.section("tech"));
    CHECK(t.node_nm == Approx(std::stod(node)));
    CHECK(t.sram_cell_um2 > 0.05);
    CHECK(t.sram_cell_um2 < 0.6);
  }
  const auto t14 = models::Tech::from(test::config_with("tech: {preset: 14nm}\n").section("tech"));
  const auto t65 = models::Tech::from(test::config_with("tech: {preset: 65nm}\n").section("tech"));
  CHECK(t14.add_pj() < t65.add_pj());
  CHECK(t14.sram_cell_um2 < t65.sram_cell_um2);
  CHECK(t14.local_wire_ohm_per_um > t65.local_wire_ohm_per_um);
}

TEST_CASE("costs: buffers cost what their technology builds, leakage by the time", "[cost]") {
  auto run = [](const std::vector<std::string>& sets) {
    // Sizes given (not `auto`) so that the buffers compared are the ones named here.
    return run::simulate(test::config_with(
        "workload: {samples: 4}\nchip: {global_buffer_kib: 256}\ntile: {input_buffer_kib: 8, output_buffer_kib: 8}\n", sets));
  };
  const auto base = run({});
  const auto& e = base->cost.per_action;
  const auto& b = base->cost.buffers;
  CHECK(b.input.figures.technology == "sram");
  CHECK(e.input_read_pj_per_bit == Approx(b.input.figures.read_pj_per_bit()));
  CHECK(e.input_write_pj_per_bit == Approx(b.input.figures.write_pj_per_bit()));
  CHECK(e.global_read_pj_per_bit == Approx(b.global.figures.read_pj_per_bit()));
  CHECK(cost::component(base->cost.area, "global_buffer") == Approx(b.global.figures.area_mm2));
  CHECK(cost::component(base->cost.area, "tile_buffers") ==
        Approx(base->chip.arch.tiles * (b.input.figures.area_mm2 + b.output.figures.area_mm2)));
  // A bigger global buffer costs more area, more energy per bit and more leakage.
  const auto big = run({"chip.global_buffer_kib=1024"});
  CHECK(cost::component(big->cost.area, "global_buffer") > 3 * cost::component(base->cost.area, "global_buffer"));
  CHECK(big->cost.per_action.global_read_pj_per_bit > e.global_read_pj_per_bit);
  CHECK(big->cost.per_action.leakage_w > e.leakage_w);
  // Leakage is static power over the simulated time, per inference.
  const double leak = cost::component(base->cost.energy, "leakage");
  CHECK(leak == Approx(e.leakage_w * base->timing.latency_ns() * 1e3));
  const auto twice = run({"run.timing_inferences=2"});
  CHECK(cost::component(twice->cost.energy, "leakage") ==
        Approx(e.leakage_w * twice->timing.latency_ns() * 1e3 / 2));
  // A characterised (table) technology gives its figures as they are.
  const auto table = run({"tile_buffer.model=table", "tile_buffer.read_pj_per_bit=[0.05]", "global_buffer.model=table",
                          "global_buffer.write_pj_per_bit=[0.07]"});
  CHECK(table->cost.per_action.input_read_pj_per_bit == Approx(0.05));
  CHECK(table->cost.per_action.global_write_pj_per_bit == Approx(0.07));
}

TEST_CASE("costs: a mesh hop costs a router and a tile pitch of wire", "[cost][mesh]") {
  const auto s = run::simulate(test::config_with("workload: {samples: 4}\nchip: {interconnect: mesh}\n"));
  const auto tech = models::Tech::from(s->config.section("tech"));
  CHECK(s->cost.link_mm == Approx(std::sqrt(s->cost.tile_mm2)));
  CHECK(s->cost.per_action.bus_pj_per_bit ==
        Approx(tech.router_pj_per_bit() + tech.wire_pj_per_bit_mm() * s->cost.link_mm));
  std::int64_t bit_hops = 0;
  for (const auto& l : s->timing.layers) bit_hops += l.traffic.interconnect_bit_hops;
  CHECK(cost::component(s->cost.energy, "interconnect") == Approx(bit_hops * s->cost.per_action.bus_pj_per_bit));
  CHECK(cost::component(s->cost.area, "interconnect") == Approx(s->chip.arch.tiles * tech.router_mm2_per_tile()));
}

TEST_CASE("costs: the digital unit's area follows its lanes", "[cost]") {
  const auto a = run::simulate(test::config_with("workload: {samples: 4}\n"));
  const auto b = run::simulate(test::config_with("workload: {samples: 4}\ntile: {digital_lanes: 64}\n"));
  CHECK(cost::component(b->cost.area, "digital") == Approx(2 * cost::component(a->cost.area, "digital")));
  const auto tech = models::Tech::from(a->config.section("tech"));
  CHECK(cost::component(a->cost.area, "digital") ==
        Approx(a->chip.arch.tiles * 32 * (tech.adder_um2() + tech.multiplier_um2()) * 1e-6));
}

TEST_CASE("costs: a driver's energy per drive is what the run counts per drive, on reads a slow cell stretches",
          "[cost]") {
  // RRAM reads take 10 ns: an array set to settle in 4 ns reads for 10, and drives its rows as long.
  const auto s = run::simulate(test::config_with("workload: {samples: 4}\narray: {read_time_ns: 4}\n"
                                                 "cell: {model: rram}\ndac: {model: voltage, power_uw: 3.9}\n"));
  REQUIRE(s->cell->read_latency_ns() == 10);
  CHECK(s->cost.per_action.dac_pj == Approx(3.9e-3 * 10));
  std::int64_t drives = 0;
  for (const auto& l : s->timing.layers) drives += l.counts.dac_drives;
  CHECK(cost::component(s->cost.energy, "dac") == Approx(static_cast<double>(drives) * s->cost.per_action.dac_pj));
}

TEST_CASE("costs: off-chip links draw their power for the run's time, at chip level only", "[cost]") {
  const auto base = run::simulate(test::config_with("workload: {samples: 4}\n"));
  const auto links = run::simulate(test::config_with("workload: {samples: 4}\nio: {power_mw: 2500, area_mm2: 7.5}\n"));
  CHECK(cost::component(base->cost.energy, "io") == 0);
  CHECK(cost::component(base->cost.area, "io") == 0);
  // 2.5 W over the run's time, per inference (W · ns = 10³ pJ); the timing does not change.
  REQUIRE(links->timing.latency_ns() == base->timing.latency_ns());
  const double io_pj = 2.5 * links->timing.latency_ns() * 1e3 / links->timing.inferences;
  CHECK(cost::component(links->cost.energy, "io") == Approx(io_pj));
  CHECK(cost::sum(links->cost.energy) == Approx(cost::sum(base->cost.energy) + io_pj));
  CHECK(cost::component(links->cost.area, "io") == 7.5);
  CHECK(cost::sum(links->cost.area) == Approx(cost::sum(base->cost.area) + 7.5));
  // A macro has no off-chip links.
  CHECK(cost::macro_sum(links->cost.energy) == cost::macro_sum(base->cost.energy));
  CHECK(cost::macro_sum(links->cost.area) == cost::macro_sum(base->cost.area));
  // Shared among the layers by the time each ran, like leakage.
  double per_layer = 0;
  for (const auto& lb : links->cost.layer_energy) per_layer += cost::component(lb, "io");
  CHECK(per_layer == Approx(io_pj));
}
