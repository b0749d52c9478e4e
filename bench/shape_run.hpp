#pragma once
// One shape-only run of a configured chip: map the network from its layer shapes, run the timing
// engine with the read time a full run uses, and cost it with the uniform-digit read energy
// (docs/energy-area.md). Shared by the benchmark and validation programs.

#include <memory>

#include "models/cells/cell_model.hpp"
#include "models/periphery/adc.hpp"
#include "models/periphery/dac.hpp"
#include "sim/config/params.hpp"
#include "sim/cost/activity_estimate.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/engine/shape_map.hpp"
#include "sim/engine/timing.hpp"

namespace cimsim::bench {

struct ShapeRun {
  mapping::ChipMap chip;
  engine::TimingResult timing;
  cost::CostResult costs;
};

inline ShapeRun run_shapes(const config::Config& cfg, const engine::ShapeNetwork& net) {
  const auto cell = models::CellRegistry::instance().create(cfg.section("cell"));
  const auto adc = models::AdcRegistry::instance().create(cfg.section("adc"));
  const auto dac = models::DacRegistry::instance().create(cfg.section("dac"));
  const int wb = static_cast<int>(cfg.section("quantization").integer("weight_bits"));
  const int ab = static_cast<int>(cfg.section("quantization").integer("activation_bits"));
  ShapeRun r;
  r.chip = engine::map_shapes(net, mapping::Architecture::from(cfg), dac->bits(), wb, ab);
  const double read_ns = functional::array_read_ns(*dac, *cell, r.chip.arch.read_time_ns);
  engine::TimingParams tp = engine::timing_params(cfg, *adc);
  tp.read_cycles = r.chip.arch.cycles_of_ns(read_ns);
  r.timing = engine::simulate(r.chip, tp);
  const auto drive = functional::DriveLevels::of_chip(r.chip.arch, *dac, *cell);
  r.costs = cost::compute_costs({r.chip, r.timing, cost::uniform_activity(r.chip, *cell, drive), *cell, *adc, *dac, cfg});
  return r;
}

}  // namespace cimsim::bench
