// Golden: configs/golden/tiny.yaml against the cycles worked out in docs/timing.md and the energy
// worked out in docs/golden.md.

#include <catch2/catch.hpp>

#include <cmath>

#include "sim/config/loader.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::unique_ptr<run::Simulation> golden(const std::vector<std::string>& sets = {}) {
  config::LoadOptions opt;
  opt.sets = sets;
  return run::simulate(config::load_config(test::source_dir() + "/configs/golden/tiny.yaml", opt));
}

std::int64_t cdiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// The closed form of docs/timing.md ("One layer on one array"), from the config's own values. On a
// mesh the bus latency λ becomes the hop latency (tile 0 is one link from the global buffer) and
// the bus width the link width.
std::int64_t formula_cycles(const run::Simulation& s, std::int64_t vectors) {
  const auto& c = s.config;
  const std::int64_t in = 16, out = 4, ab = 4, R = 4, readouts = 4;
  const std::int64_t t_r = static_cast<std::int64_t>(std::ceil(c.section("array").real("read_time_ns") *
                                                               c.section("chip").real("clock_mhz") / 1000.0));
  const std::int64_t t_sh = c.section("sample_hold").integer("latency_cycles");
  const std::int64_t n_adc = cdiv(c.section("array").integer("cols"), c.section("adc").integer("columns_per_adc"));
  const std::int64_t t_c = cdiv(readouts, n_adc) * c.section("adc").integer("bits");
  const std::int64_t wg = c.section("chip").integer("global_buffer_width_bits");
  const bool mesh = c.section("chip").text("interconnect") == "mesh";
  const std::int64_t wb = c.section("chip").integer(mesh ? "mesh_link_width_bits" : "bus_width_bits");
  const std::int64_t wt = c.section("tile").integer("buffer_width_bits");
  const std::int64_t lat = c.section("chip").integer(mesh ? "mesh_hop_cycles" : "bus_latency_cycles");
  const std::int64_t t0 = cdiv(in * ab, wg) + cdiv(in * ab, wb) + lat;
  const std::int64_t f = cdiv(in * ab, wt);
  const std::int64_t p = std::max(t_r, t_c);
  std::int64_t e = t0 + f + t_r + t_sh + (R - 1) * (p + t_sh);
  for (std::int64_t v = 1; v < vectors; ++v) e += std::max(f + t_r, t_c) + t_sh + (R - 1) * (p + t_sh);
  const std::int64_t d = e + t_c + 1;
  const std::int64_t o = 1 + cdiv(out * ab, wt) + std::max(cdiv(out * ab, wb), cdiv(out * ab, wg)) + lat;
  return d + o;
}

double energy_of(const run::Simulation& s, const std::string& component) {
  for (const auto& [name, pj] : s.cost.energy)
    if (name == component) return pj;
  FAIL("no energy component " << component);
  return 0;
}

}  // namespace

TEST_CASE("golden: cycles of one inference match docs/timing.md", "[golden][timing]") {
  const auto s = golden();
  CHECK(s->timing.cycles == 66);  // docs/timing.md, worked example
  CHECK(s->timing.cycles == formula_cycles(*s, 1));
  CHECK(s->timing.latency_ns() == Approx(66.0));
}

TEST_CASE("golden: cycles of three back-to-back inferences match docs/timing.md", "[golden][timing]") {
  const auto s = golden({"run.timing_inferences=3"});
  CHECK(s->timing.cycles == 162);  // docs/timing.md, worked example
  CHECK(s->timing.cycles == formula_cycles(*s, 3));
}

TEST_CASE("golden: the closed form holds when the ADC is the bottleneck", "[golden][timing]") {
  // A slower ADC (16 cycles per 4 readouts with 2 ADCs: 2 × 8-bit SAR = 16 > T_r) exercises the
  // other branch of every max().
  const auto s = golden({"adc.columns_per_adc=16", "adc.bits=8", "run.timing_inferences=2"});
  CHECK(s->timing.cycles == formula_cycles(*s, 2));
}

TEST_CASE("golden: a narrower tile buffer port adds its stall", "[golden][timing]") {
  // 8 bits per cycle instead of 16: the fetch takes 64/8 = 8 cycles instead of 4 and the output
  // write 16/8 = 2 instead of 1 (docs/timing.md, worked example).
  const auto s = golden({"tile.buffer_width_bits=8"});
  CHECK(s->timing.cycles == 66 + 4 + 1);
  CHECK(s->timing.cycles == formula_cycles(*s, 1));
  const auto s3 = golden({"tile.buffer_width_bits=8", "run.timing_inferences=3"});
  CHECK(s3->timing.cycles == formula_cycles(*s3, 3));
  CHECK(s3->timing.cycles == 162 + 5 + 2 * 4);  // each later vector waits 4 more for its fetch
}

TEST_CASE("golden: on a mesh the bus latency becomes the hop latency", "[golden][timing][mesh]") {
  const auto s = golden({"chip.interconnect=mesh", "chip.mesh_link_width_bits=32", "chip.mesh_hop_cycles=5"});
  CHECK(s->timing.cycles == 66 + 2 * (5 - 2));
  CHECK(s->timing.cycles == formula_cycles(*s, 1));
}

TEST_CASE("golden: one layer pipelined runs as it does layer-serial", "[golden][timing][pipelined]") {
  CHECK(golden({"chip.schedule=pipelined"})->timing.cycles == 66);
  CHECK(golden({"chip.schedule=pipelined", "run.timing_inferences=3"})->timing.cycles == 162);
}

TEST_CASE("golden: energy per component matches docs/golden.md", "[golden][energy]") {
  const auto s = golden();
  // Conductances are held in single precision (relative error below 1e-7).
  CHECK(energy_of(*s, "cells") == Approx(0.690).epsilon(1e-6));
  CHECK(energy_of(*s, "dac") == Approx(2.496).epsilon(1e-9));
  CHECK(energy_of(*s, "sample_hold") == Approx(0.016).epsilon(1e-9));
  CHECK(energy_of(*s, "adc") == Approx(19.2).epsilon(1e-9));
  CHECK(energy_of(*s, "shift_add") == Approx(0.312).epsilon(1e-9));
  CHECK(energy_of(*s, "digital") == Approx(12.8).epsilon(1e-9));
  CHECK(energy_of(*s, "tile_buffers") == Approx(11.5056).epsilon(1e-9));
  CHECK(energy_of(*s, "global_buffer") == Approx(6.392).epsilon(1e-9));
  CHECK(energy_of(*s, "interconnect") == Approx(6.48).epsilon(1e-9));
  CHECK(energy_of(*s, "control") == Approx(0.5).epsilon(1e-9));
  CHECK(energy_of(*s, "leakage") == Approx(0.00361709568).epsilon(1e-9));
  CHECK(cost::sum(s->cost.energy) == Approx(60.39521709568).epsilon(1e-8));
}

TEST_CASE("golden: the chip computes W·x of the golden input", "[golden]") {
  const auto s = golden();
  CHECK(s->eval.instances.front().accuracy == 1.0);
  CHECK(s->eval.quantized_accuracy == 1.0);
}
