#include "models/memories/memory_model.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/config/schema.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec buffer_section(const char* name, const char* help, int order) {
  config::SectionSpec s(name, help);
  s.order(order).presets("memories").models(&MemoryRegistry::instance(), "sram");
  s.integer("banks", 1, "banks",
            "Independent banks, each with its own decoders and sense amplifiers (a buffer with several ports has at "
            "least one bank per port)")
      .range(1, 1024);
  return s;
}

config::SectionSpec tile_buffer_section() {
  return buffer_section("tile_buffer",
                        "Memory technology of every tile's input and output buffers (capacities and port width: "
                        "section tile)",
                        46);
}
config::SectionSpec global_buffer_section() {
  return buffer_section("global_buffer",
                        "Memory technology of the global buffer (capacity and port width: section chip)", 41);
}
const config::SectionRegistrar r1(tile_buffer_section);
const config::SectionRegistrar r2(global_buffer_section);

}  // namespace

MemoryFigures buffer_figures(const config::Params& section, double capacity_kib, int word_bits, const Tech& tech) {
  return buffer_figures(section, capacity_kib, word_bits, 1, tech);
}

MemoryFigures buffer_figures(const config::Params& section, double capacity_kib, int word_bits, int min_banks,
                             const Tech& tech) {
  const auto model = MemoryRegistry::instance().create(section);
  MemoryRequest r;
  r.capacity_kib = capacity_kib;
  r.word_bits = word_bits;
  r.banks = std::max(min_banks, static_cast<int>(section.integer("banks")));
  try {
    return model->figures(r, tech);
  } catch (const std::invalid_argument& e) {
    section.fail("banks", e.what());
  }
}

}  // namespace cimsim::models
