#include "models/memories/chip_buffers.hpp"

#include <algorithm>
#include <cmath>

namespace cimsim::models {

int port_cycles(double access_ns, double clock_mhz, int banks) {
  // A tolerance keeps an access of exactly n cycles from becoming n + 1 through rounding.
  const auto cycles = static_cast<long long>(std::ceil(access_ns * clock_mhz / 1000.0 - 1e-9));
  return static_cast<int>(std::max<long long>(1, (cycles + banks - 1) / std::max(1, banks)));
}

namespace {

BufferFigures build(const config::Params& section, double kib, int width, int ports, const Tech& tech, double clock_mhz) {
  BufferFigures b;
  b.figures = buffer_figures(section, kib, width, ports, tech);
  b.capacity_kib = kib;
  b.banks = std::max(ports, static_cast<int>(section.integer("banks")));
  b.read_cycles = port_cycles(b.figures.read_ns, clock_mhz, b.banks);
  b.write_cycles = port_cycles(b.figures.write_ns, clock_mhz, b.banks);
  return b;
}

}  // namespace

ChipBuffers ChipBuffers::of(const config::Config& c, const BufferSizes& sizes) {
  const Tech tech = Tech::from(c.section("tech"));
  const config::Params& tile = c.section("tile");
  const config::Params& chip = c.section("chip");
  const double clock = chip.real("clock_mhz");
  const int width = static_cast<int>(tile.integer("buffer_width_bits"));
  ChipBuffers b;
  b.input = build(c.section("tile_buffer"), sizes.input_kib, width,
                  static_cast<int>(tile.integer("buffer_read_ports")), tech, clock);
  b.output = build(c.section("tile_buffer"), sizes.output_kib, width,
                   static_cast<int>(tile.integer("buffer_write_ports")), tech, clock);
  b.global = build(c.section("global_buffer"), sizes.global_kib,
                   static_cast<int>(chip.integer("global_buffer_width_bits")), 1, tech, clock);
  return b;
}

}  // namespace cimsim::models
