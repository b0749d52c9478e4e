// Digital layers, residual connections and the dependency windows between layers; a schedule that
// cannot make progress for lack of buffer space is reported, not hung.

#include <catch2/catch.hpp>

#include "engine_support.hpp"
#include "sim/config/error.hpp"
#include "sim/engine/plan.hpp"
#include "sim/engine/window.hpp"

using namespace cimsim;

namespace {

mapping::LayerMap conv_consumer(int in_h, int in_w, int k, int s, int p) {
  mapping::LayerMap lm;
  lm.conv.in_h = in_h;
  lm.conv.in_w = in_w;
  lm.conv.kernel_h = lm.conv.kernel_w = k;
  lm.conv.stride_h = lm.conv.stride_w = s;
  lm.conv.pad_h = lm.conv.pad_w = p;
  lm.conv.out_h = (in_h + 2 * p - k) / s + 1;
  lm.conv.out_w = (in_w + 2 * p - k) / s + 1;
  return lm;
}

// conv → maxpool → conv → add(maxpool, conv) → global average pooling → dense, on 2×8×8 inputs.
engine::ShapeNetwork residual_net() {
  return test::network(2, 8, 8,
                       {engine::conv_shape("c1", 4, 3, 1, 1), engine::digital_shape("pool", "maxpool", 2, 2),
                        engine::conv_shape("c2", 4, 3, 1, 1), engine::digital_shape("add", "add", 1, 1, 0, {1, 2}),
                        engine::digital_shape("gap", "global_avgpool"), engine::dense_shape("fc", 3)});
}

}  // namespace

TEST_CASE("window: a convolution needs the pixels its window reaches, in raster order", "[engine][window]") {
  const auto w = engine::window_for(conv_consumer(4, 4, 3, 1, 1), 16, 16);
  REQUIRE(w.spatial);
  CHECK(w.need(0) == 6);   // rows 0..1, columns 0..1: raster index 5
  CHECK(w.need(5) == 11);  // output (1,1): rows 0..2, columns 0..2
  CHECK(w.first(5) == 0);
  CHECK(w.first(6) == 1);  // output (1,2) starts at column 1
  CHECK(w.need(15) == 16);
  CHECK(w.span() == 11);
  const auto pool = engine::window_for(conv_consumer(4, 4, 2, 2, 0), 4, 16);
  CHECK(pool.need(0) == 6);
  CHECK(pool.need(1) == 8);
  CHECK(pool.need(2) == 14);
  CHECK(pool.first(2) == 8);
}

TEST_CASE("window: layers without a window need a proportional share", "[engine][window]") {
  mapping::LayerMap dense;
  const auto all = engine::window_for(dense, 1, 16);
  CHECK_FALSE(all.spatial);
  CHECK(all.need(0) == 16);
  const auto same = engine::window_for(dense, 4, 4);
  CHECK(same.need(2) == 3);
  CHECK(same.first(2) == 2);
  CHECK(same.span() == 1);
}

TEST_CASE("engine: digital layers run on the tile's digital unit and count their work", "[engine][digital]") {
  for (const char* schedule : {"layer_serial", "pipelined"}) {
    INFO(schedule);
    test::EngineCase c(test::kSmallChip, {"chip.tiles=8", std::string("chip.schedule=") + schedule});
    const auto chip = c.map(residual_net());
    const auto r = c.run(chip, 3);
    // Per sample: max pooling compares 3 others per output (4·4·4 outputs); the add adds once per
    // element; global pooling adds 15 others per channel and scales each of 4 channels.
    CHECK(r.layers[1].counts.digital_compares == 3 * 64 * 3);
    CHECK(r.layers[3].counts.digital_adds == 3 * 64);
    CHECK(r.layers[4].counts.digital_adds == 3 * 4 * 15);
    CHECK(r.layers[4].counts.digital_mults == 3 * 4);
    CHECK(r.layers[1].digital_busy_cycles > 0);
    for (const auto& l : r.layers) CHECK(l.end_cycle > l.start_cycle);
    CHECK(r.inference_done_cycles.size() == 3);
    CHECK(r.cycles == r.inference_done_cycles.back());
  }
}

TEST_CASE("engine: pipelined layers start as soon as their window exists", "[engine][pipelined]") {
  test::EngineCase serial(test::kSmallChip, {"chip.tiles=8"});
  test::EngineCase pipe(test::kSmallChip, {"chip.tiles=8", "chip.schedule=pipelined"});
  const auto rs = serial.run(serial.map(residual_net()));
  const auto rp = pipe.run(pipe.map(residual_net()));
  // c1 → pool → c2 overlap: each starts before its producer has finished the map.
  CHECK(rp.layers[1].start_cycle < rp.layers[0].end_cycle);
  CHECK(rp.layers[2].start_cycle < rp.layers[1].end_cycle);
  CHECK(rp.cycles < rs.cycles);
  // layer_serial runs them one after the other.
  for (std::size_t l = 1; l < rs.layers.size(); ++l) CHECK(rs.layers[l].start_cycle >= rs.layers[l - 1].end_cycle);
  for (std::size_t l = 0; l < rs.layers.size(); ++l) CHECK(rs.layers[l].counts.same_counts(rp.layers[l].counts));
}

TEST_CASE("engine: a residual connection without room for its skip data is reported, not hung", "[engine][pipelined]") {
  // c1 feeds c2 → c3 and, directly, the add: the add must hold c1's units while c2 and c3 work
  // through their windows. Here neither c1's output buffer nor the add's input share can.
  test::EngineCase c(test::kSmallChip, {"chip.tiles=8", "chip.schedule=pipelined", "tile.input_buffer_kib=0.075",
                                        "tile.output_buffer_kib=0.004"});
  const auto chip = c.map(test::network(4, 8, 8,
                                        {engine::conv_shape("c1", 4, 3, 1, 1), engine::conv_shape("c2", 4, 3, 1, 1),
                                         engine::conv_shape("c3", 4, 3, 1, 1),
                                         engine::digital_shape("add", "add", 1, 1, 0, {0, 2})}));
  // The plan says so before the run: the add may have to hold 19 of c1's units (c3 needs c1's
  // up to j + 18), and its share holds fewer.
  const engine::ChipPlan plan = engine::make_plan(chip, c.params);
  CHECK(plan.join_shortfall.layer == "add");
  CHECK(plan.join_shortfall.needed == 19);
  CHECK(plan.join_shortfall.held < 19);
  try {
    c.run(chip);
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(e.key() == "tile.input_buffer_kib");
    CHECK_THAT(std::string(e.what()), Catch::Contains("stalls"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("cannot send unit 9 to 'add'"));
  }
  // With buffers that hold the skip data it runs.
  test::EngineCase roomy(test::kSmallChip, {"chip.tiles=8", "chip.schedule=pipelined"});
  CHECK(roomy.run(roomy.map(test::network(4, 8, 8,
                                           {engine::conv_shape("c1", 4, 3, 1, 1), engine::conv_shape("c2", 4, 3, 1, 1),
                                            engine::conv_shape("c3", 4, 3, 1, 1),
                                            engine::digital_shape("add", "add", 1, 1, 0, {0, 2})})))
            .cycles > 0);
}

TEST_CASE("engine: auto input buffers hold what a residual join's skip branch runs ahead", "[engine][pipelined]") {
  // c1 feeds the add directly and through c2 … c5 (3×3, padding 1, on 32×32): unit j of a
  // convolution needs its producer's units up to j + 33 (a row and a pixel ahead), so unit j of c5
  // needs c1's up to j + 132 and the add's skip link must hold 133 of c1's units while c5 catches
  // up (docs/timing.md): twice that for the add's two 16-bit links is 3 KiB with c1's station on
  // the same tile, where the windows alone (67 units) would ask for 1 KiB. Too small an output
  // buffer for c1 to hold them itself, as in the stall above, and auto input buffers: it runs.
  std::vector<engine::LayerShape> layers;
  for (int k = 1; k <= 5; ++k) layers.push_back(engine::conv_shape("c" + std::to_string(k), 4, 3, 1, 1));
  layers.push_back(engine::digital_shape("add", "add", 1, 1, 0, {0, 4}));
  const auto net = test::network(4, 32, 32, layers);
  const std::vector<std::string> pipelined = {"chip.tiles=12", "chip.schedule=pipelined", "tile.output_buffer_kib=0.004",
                                              "chip.global_buffer_kib=auto"};
  auto sets = pipelined;
  sets.push_back("tile.input_buffer_kib=auto");
  test::EngineCase c(test::kSmallChip, sets);
  const auto chip = c.map(net);
  const engine::ChipPlan plan = engine::make_plan(chip, c.params);
  const engine::Station& add = plan.stations[static_cast<std::size_t>(plan.layers[5].stations.front())];
  REQUIRE(add.inputs.size() == 2);
  CHECK(add.inputs[0].capacity_units >= 133);
  CHECK(plan.join_shortfall.needed == 0);
  CHECK(plan.input_buffer_kib == 3);
  for (const int n : {1, 2}) CHECK(c.run(chip, n).cycles > 0);
  // Sized for the windows alone, it stalls.
  sets = pipelined;
  sets.push_back("tile.input_buffer_kib=1");
  test::EngineCase windows_only(test::kSmallChip, sets);
  CHECK_THROWS_WITH(windows_only.run(windows_only.map(net)), Catch::Contains("stalls"));
}

TEST_CASE("engine: a window larger than the input buffer is refused, saying by how much", "[engine]") {
  test::EngineCase c(test::kSmallChip, {"tile.input_buffer_kib=0.01"});
  try {
    c.run(c.map(test::network(4, 8, 8, {engine::conv_shape("c1", 4, 3, 1, 1)})));
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(e.key() == "tile.input_buffer_kib");
    CHECK_THAT(std::string(e.what()), Catch::Contains("needs 19 input units of 16 bits"));
  }
}
