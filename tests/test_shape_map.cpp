// Networks known only by their layer shapes (the benchmarks' and validation's) are mapped with the
// same digital-unit work as the same network loaded from a layer list.

#include <catch2/catch.hpp>

#include "engine_support.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/layer_list.hpp"
#include "sim/workload/quantize.hpp"

using namespace cimsim;

TEST_CASE("shape map: digital layers count the work the layer-list mapper counts", "[engine][mapping]") {
  test::TempDir dir;
  const std::string path = dir.file("net.yaml",
                                    "name: t\ninput_shape: [2, 8, 8]\nlayers:\n"
                                    "  - {name: c1, type: conv, out_channels: 4, kernel: 3, padding: 1, activation: relu, init: {seed: 1}}\n"
                                    "  - {name: p1, type: maxpool, kernel: 2}\n"
                                    "  - {name: c2, type: conv, out_channels: 4, kernel: 3, padding: 1, init: {seed: 2}}\n"
                                    "  - {name: a1, type: add, input: [c2, p1], activation: relu}\n"
                                    "  - {name: p2, type: avgpool, kernel: 2}\n"
                                    "  - {name: g, type: global_avgpool}\n");
  const workload::Network net = workload::load_layer_list(path);
  const test::EngineCase ec(test::kSmallChip);
  const workload::QuantizedNetwork qnet =
      workload::quantize(net, workload::synthetic_dataset(net.input_shape, 2, 1), ec.cfg.section("quantization"));
  const mapping::ChipMap loaded = mapping::map_network(qnet, ec.arch, 1, 8);

  engine::ShapeNetwork shapes;
  shapes.name = "t";
  shapes.in_channels = 2;
  shapes.in_h = shapes.in_w = 8;
  shapes.layers = {engine::conv_shape("c1", 4, 3, 1, 1),          engine::digital_shape("p1", "maxpool", 2, 2, 0),
                   engine::conv_shape("c2", 4, 3, 1, 1),          engine::digital_shape("a1", "add", 1, 1, 0, {2, 1}),
                   engine::digital_shape("p2", "avgpool", 2, 2, 0), engine::digital_shape("g", "global_avgpool")};
  const mapping::ChipMap mapped = ec.map(shapes);

  int compared = 0;
  for (const auto& a : loaded.layers) {
    if (a.kind != mapping::LayerMap::Kind::Digital) continue;
    const auto b = std::find_if(mapped.layers.begin(), mapped.layers.end(), [&](const auto& l) { return l.name == a.name; });
    REQUIRE(b != mapped.layers.end());
    INFO(a.name);
    CHECK(b->digital.adds == a.digital.adds);
    CHECK(b->digital.compares == a.digital.compares);
    CHECK(b->digital.mults == a.digital.mults);
    ++compared;
  }
  CHECK(compared == 4);
  // The residual add requantizes its sum: one multiply per output element (4 × 4 × 4).
  const auto add = std::find_if(mapped.layers.begin(), mapped.layers.end(), [](const auto& l) { return l.name == "a1"; });
  CHECK(add->digital.mults == 64);
}
