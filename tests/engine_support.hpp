#pragma once
// Helpers for the engine tests: an architecture from config text, small shape-only networks, and
// the timing model run on them.

#include <string>
#include <vector>

#include "models/periphery/adc.hpp"
#include "sim/engine/shape_map.hpp"
#include "sim/engine/timing.hpp"
#include "sim/mapping/architecture.hpp"
#include "support.hpp"

namespace cimsim::test {

// A small chip like configs/golden/tiny.yaml: 32×32 arrays, 4-bit weights on 3-bit cells in
// differential pairs subtracted in analog (one readout per output), 4-bit activations on 1-bit
// DACs (4 reads per vector), 10-cycle reads, 6-bit SAR ADCs over 8 columns each.
inline const char* kSmallChip =
    "chip: {clock_mhz: 1000, tiles: 4, global_buffer_kib: 4, global_buffer_width_bits: 32, bus_width_bits: 32,"
    " bus_latency_cycles: 2}\n"
    "tile: {arrays: 1, input_buffer_kib: 1, output_buffer_kib: 1, buffer_width_bits: 16}\n"
    "array: {rows: 32, cols: 32, read_time_ns: 10}\n"
    "mapping: {bits_per_cell: 3, encoding: differential, differential_readout: analog}\n"
    "adc: {model: sar, bits: 6, columns_per_adc: 8}\n"
    "sample_hold: {latency_cycles: 1}\n";

struct EngineCase {
  config::Config cfg;
  mapping::Architecture arch;
  engine::TimingParams params;

  explicit EngineCase(const std::string& yaml, const std::vector<std::string>& sets = {})
      : cfg(config_with(yaml, sets)),
        arch(mapping::Architecture::from(cfg)),
        params(engine::timing_params(cfg, *models::AdcRegistry::instance().create(cfg.section("adc")))) {}
  mapping::ChipMap map(const engine::ShapeNetwork& net, int weight_bits = 4, int activation_bits = 4) const {
    return engine::map_shapes(net, arch, 1, weight_bits, activation_bits);
  }
  engine::TimingResult run(const mapping::ChipMap& chip, int inferences = 1) {
    params.inferences = inferences;
    return engine::simulate(chip, params);
  }
  std::int64_t integer(const std::string& section, const std::string& key) const {
    return cfg.section(section).integer(key);
  }
};

inline engine::ShapeNetwork network(int channels, int h, int w, std::vector<engine::LayerShape> layers) {
  engine::ShapeNetwork n;
  n.name = "test";
  n.in_channels = channels;
  n.in_h = h;
  n.in_w = w;
  n.layers = std::move(layers);
  return n;
}

inline std::int64_t cdiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// One dense 32 → 16 layer of kSmallChip on one array: 16 readouts (analog pairs) on 4 ADCs.
struct OneArray {
  EngineCase c;
  mapping::ChipMap chip;
  explicit OneArray(const std::vector<std::string>& sets)
      : c(kSmallChip, sets), chip(c.map(network(1, 1, 32, {engine::dense_shape("fc", 16)}))) {}
  std::int64_t t_read() const { return c.arch.read_cycles(); }
  // One round's conversions at b bits: ⌈16 readouts / 4 ADCs⌉ in sequence, a SAR cycle per bit.
  static std::int64_t t_conv(std::int64_t bits) { return cdiv(16, 32 / 8) * bits; }
  std::int64_t t_conv() const { return t_conv(c.integer("adc", "bits")); }
  std::int64_t fetch() const { return cdiv(32 * 4, c.integer("tile", "buffer_width_bits")); }
};

// Cycles between the completions of the last two of `n` inferences.
inline std::int64_t period_of(OneArray& a, int n) {
  const auto r = a.c.run(a.chip, n);
  return r.inference_done_cycles[static_cast<std::size_t>(n - 1)] - r.inference_done_cycles[static_cast<std::size_t>(n - 2)];
}

}  // namespace cimsim::test
