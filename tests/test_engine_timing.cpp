// The timing engine against the formulas of docs/timing.md on small chips: contention on a shared
// bus, mesh hop latency, a pipeline's steady state, and a convolution waiting for its window.

#include <catch2/catch.hpp>

#include <algorithm>

#include "engine_support.hpp"
#include "sim/config/loader.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"

using namespace cimsim;
using test::cdiv;

namespace {

// The chain of one vector on one array of kSmallChip (docs/timing.md, "Reads"): the first read
// settles after the fetch, each later one while the ADCs convert the previous.
struct ArrayChain {
  std::int64_t t_read, t_sh, t_conv, reads;
  std::int64_t period() const { return std::max(t_read, t_conv) + t_sh; }
  // From the end of the fetch to the last code shift-added.
  std::int64_t after_fetch() const { return t_read + t_sh + (reads - 1) * period() + t_conv + 1; }
};

ArrayChain chain_of(const test::EngineCase& c, std::int64_t readouts) {
  const std::int64_t adcs = cdiv(c.integer("array", "cols"), c.integer("adc", "columns_per_adc"));
  return {static_cast<std::int64_t>(c.arch.read_cycles()), c.integer("sample_hold", "latency_cycles"),
          cdiv(readouts, adcs) * c.integer("adc", "bits"), 4 /* 4-bit inputs, 1-bit DACs */};
}

// One vector of a dense layer (in → out, 4-bit activations) on one array, its tile `hops` links
// from the global buffer: docs/timing.md "One layer on one array" with the bus latency λ replaced
// by hops × hop cycles on a mesh.
std::int64_t one_array_cycles(const test::EngineCase& c, std::int64_t in, std::int64_t out, std::int64_t link_width,
                              std::int64_t latency) {
  const std::int64_t ab = 4;
  const std::int64_t wg = c.integer("chip", "global_buffer_width_bits");
  const std::int64_t wt = c.integer("tile", "buffer_width_bits");
  const ArrayChain a = chain_of(c, out);
  const std::int64_t arrive = cdiv(in * ab, wg) + cdiv(in * ab, link_width) + latency;
  const std::int64_t fetched = arrive + cdiv(in * ab, wt);
  const std::int64_t ready = fetched + a.after_fetch();
  return ready + 1 + cdiv(out * ab, wt) + std::max(cdiv(out * ab, link_width), cdiv(out * ab, wg)) + latency;
}

}  // namespace

TEST_CASE("engine: one array's cycles follow the formula", "[engine][timing]") {
  test::EngineCase c(test::kSmallChip);
  const auto chip = c.map(test::network(1, 1, 32, {engine::dense_shape("fc", 16)}));
  const auto r = c.run(chip);
  CHECK(r.cycles == one_array_cycles(c, 32, 16, 32, 2));
}

TEST_CASE("engine: two tiles sharing one bus take longer than one", "[engine][timing][contention]") {
  // The same per-tile work: one array with all 32 inputs and 16 outputs. With two tiles (32
  // outputs, one column block each) the second tile's input waits for the first one's transfer.
  test::EngineCase c(test::kSmallChip, {"chip.bus_width_bits=8"});
  const auto one = c.run(c.map(test::network(1, 1, 32, {engine::dense_shape("fc", 16)})));
  const auto two_map = c.map(test::network(1, 1, 32, {engine::dense_shape("fc", 32)}));
  REQUIRE(two_map.tiles_used == 2);
  const auto two = c.run(two_map);
  const std::int64_t beats = cdiv(32 * 4, 8);
  CHECK(one.cycles == one_array_cycles(c, 32, 16, 8, 2));
  CHECK(two.cycles == one.cycles + beats);
  // The bus carried both inputs and both outputs.
  CHECK(two.bus_busy_cycles == 2 * beats + 2 * std::max(cdiv(16 * 4, 8), cdiv(16 * 4, 32)));
}

TEST_CASE("engine: mesh transfers take hops x hop latency plus the flits", "[engine][timing][mesh]") {
  const std::int64_t hop = 3;
  test::EngineCase c(test::kSmallChip, {"chip.interconnect=mesh", "chip.mesh_link_width_bits=32",
                                        "chip.mesh_hop_cycles=" + std::to_string(hop)});
  auto chip = c.map(test::network(1, 1, 32, {engine::dense_shape("fc", 16)}));
  const auto near = c.run(chip);
  // Tile 0 sits one link (the global buffer's) from the buffer.
  CHECK(near.cycles == one_array_cycles(c, 32, 16, 32, 1 * hop));
  // Tile 3 of the 2×2 mesh is one more link east and one north: three links each way.
  chip.arrays[0].tile = 3;
  const auto far = c.run(chip);
  CHECK(far.cycles == one_array_cycles(c, 32, 16, 32, 3 * hop));
  CHECK(far.cycles - near.cycles == 2 * 2 * hop);
  CHECK(far.layers[0].traffic.interconnect_bit_hops == 3 * (32 * 4 + 16 * 4));
}

TEST_CASE("engine: a pipeline's steady state is its slowest stage", "[engine][timing][pipelined]") {
  test::EngineCase c(test::kSmallChip, {"chip.schedule=pipelined"});
  const auto chip = c.map(test::network(1, 1, 16, {engine::dense_shape("fc1", 4), engine::dense_shape("fc2", 4)}));
  REQUIRE(chip.arrays[0].tile != chip.arrays[1].tile);
  const auto r = c.run(chip, 8);
  // Per vector, an array whose inputs wait in its buffer repeats every F + T_r (or T_c when the
  // ADCs are slower), then its samples: docs/timing.md, "Steady state".
  const ArrayChain a = chain_of(c, 4);
  auto period = [&](std::int64_t in) {
    return std::max(cdiv(in * 4, 16) + a.t_read, a.t_conv) + a.t_sh + (a.reads - 1) * a.period();
  };
  const double expected = static_cast<double>(std::max(period(16), period(4)));
  REQUIRE(r.inference_done_cycles.size() == 8);
  for (std::size_t n = 1; n < 8; ++n)
    CHECK(r.inference_done_cycles[n] - r.inference_done_cycles[n - 1] == static_cast<std::int64_t>(expected));
  CHECK(r.interval_cycles() == Approx(expected));
  // The second layer starts long before the first has finished all eight vectors.
  CHECK(r.layers[1].start_cycle < r.layers[0].end_cycle);
}

TEST_CASE("engine: pipelined beats layer_serial in throughput, and utilization says why", "[engine][pipelined]") {
  auto run = [](const std::string& schedule) {
    return run::simulate(test::config_with("chip: {tiles: 2, schedule: " + schedule +
                                           "}\nrun: {timing_inferences: 16}\nworkload: {samples: 8}\n"));
  };
  const auto serial = run("layer_serial");
  const auto pipe = run("pipelined");
  const auto js = report::build_json(*serial), jp = report::build_json(*pipe);
  auto num = [](const json::Value& root, const char* section, const char* key) {
    return root.find(section)->find(key)->find("value")->as_number();
  };
  CHECK(num(jp, "performance", "throughput") > 1.5 * num(js, "performance", "throughput"));
  CHECK(num(jp, "utilization", "arrays") > 1.5 * num(js, "utilization", "arrays"));
  CHECK(jp.find("performance")->find("schedule")->as_string() == "pipelined");
  // The same actions either way.
  for (std::size_t l = 0; l < serial->timing.layers.size(); ++l)
    CHECK(serial->timing.layers[l].counts.same_counts(pipe->timing.layers[l].counts));
}

TEST_CASE("engine: a convolution moves its feature map once and waits for its window", "[engine][timing][conv]") {
  test::EngineCase c(test::kSmallChip, {"trace.perfetto=true"});
  c.params.trace.perfetto = true;
  // 3×3 convolution, padding 1, over a 6×6 map of 3 channels: 27 rows, 36 vectors.
  const auto chip = c.map(test::network(3, 6, 6, {engine::conv_shape("conv", 4, 3, 1, 1)}));
  const auto r = c.run(chip);
  const auto& t = r.layers[0].traffic;
  const std::int64_t ab = 4, pixels = 36;
  CHECK(t.global_buffer_read_bits == pixels * 3 * ab);    // the map, not 36 im2col vectors
  CHECK(t.input_buffer_write_bits == pixels * 3 * ab);
  CHECK(t.input_buffer_read_bits == pixels * 27 * ab);    // each vector built from the buffer
  CHECK(t.bus_bits == pixels * 3 * ab + pixels * 4 * ab);
  // Output pixel (0, 0) needs input rows 0..1 and columns 0..1: pixels up to raster index 7. One
  // unit lands every B + λ cycles (a sender moves one unit at a time), the first after the read.
  const std::int64_t unit_cycles = cdiv(3 * ab, 32) + 2;
  const std::int64_t first_fetch = cdiv(3 * ab, 32) + 8 * unit_cycles;
  REQUIRE(r.trace);
  std::int64_t earliest = r.cycles;
  for (const auto& s : r.trace->slices)
    if (r.trace->tracks[static_cast<std::size_t>(s.track)].name.rfind("array", 0) == 0) earliest = std::min(earliest, s.start);
  CHECK(earliest == first_fetch);
}

TEST_CASE("engine: steady throughput is the rate a long run of either schedule completes inferences at",
          "[engine][timing]") {
  for (const std::string name : {"default.yaml", "chips/aon_cim.yaml", "chips/isaac.yaml", "chips/hermes.yaml"}) {
    INFO(name);
    auto run = [&](int inferences) {
      config::LoadOptions opt;
      opt.sets = {"workload.samples=8", "run.timing_inferences=" + std::to_string(inferences)};
      return run::simulate(config::load_config(test::source_dir() + "/configs/" + name, opt));
    };
    const auto one = run(1);
    const double steady = one->timing.steady_cycles_per_inference;
    REQUIRE(steady > 0);
    // A long run: the rate inferences 65 to 128 complete at, whatever filled the chip first.
    const auto m64 = run(64), m128 = run(128);
    const double long_rate = 64.0 / static_cast<double>(m128->timing.cycles - m64->timing.cycles);
    CHECK(1.0 / steady == Approx(long_rate).epsilon(0.01));
    // The whole long run, fill included, is already within 2 % of it.
    CHECK(128.0 / static_cast<double>(m128->timing.cycles) == Approx(long_rate).epsilon(0.02));
  }
}
