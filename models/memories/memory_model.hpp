#pragma once
// What a buffer memory technology is: given a buffer's capacity, word width and banks on a
// technology node, the energy and latency of one read and one write of a word, its static power,
// its area and whether it keeps its data without power. Each technology is one file registered by
// name (sram, stt_mram, sot_mram, table); the tile and global buffers pick one in their sections
// (tile_buffer, global_buffer). Pure C++.

#include <memory>
#include <string>

#include "models/tech/tech.hpp"
#include "sim/config/registry.hpp"

namespace cimsim::models {

// The buffer a technology is asked to build.
struct MemoryRequest {
  double capacity_kib = 8;
  int word_bits = 256;  // bits one access reads or writes (the port width)
  int banks = 1;        // independent banks, each with its own decoders and sense amplifiers
};

// How one bank is cut (array models only; zero for tables).
struct MemoryOrganisation {
  int rows = 0, cols = 0;     // of one sub-array
  int column_mux = 1;         // columns sharing one sense amplifier
  int subarrays = 0;          // per bank
  int active_subarrays = 0;   // opened by one access
  double subarray_width_um = 0, subarray_height_um = 0;
  double htree_mm = 0;        // path from the bank's port to a sub-array
};

// Energy of one access by component (pJ), for reports and tests.
struct AccessParts {
  double htree = 0, decoder = 0, wordline = 0, bitline = 0, sense = 0, cell = 0;
  double total() const { return htree + decoder + wordline + bitline + sense + cell; }
};

struct MemoryFigures {
  std::string technology;
  bool nonvolatile = false;
  double read_pj = 0, write_pj = 0;   // one word access
  double read_ns = 0, write_ns = 0;   // one word access, from the address at the port to data out / stored
  double leakage_mw = 0;              // static power of the whole buffer while powered
  double area_mm2 = 0;
  int word_bits = 0;
  AccessParts read_parts, write_parts;
  MemoryOrganisation organisation;

  double read_pj_per_bit() const { return read_pj / word_bits; }
  double write_pj_per_bit() const { return write_pj / word_bits; }
};

class MemoryModel {
 public:
  virtual ~MemoryModel() = default;
  // Throws config::ConfigError (at the key that limits it) for a request the technology cannot
  // build.
  virtual MemoryFigures figures(const MemoryRequest& request, const Tech& tech) const = 0;
};

using MemoryRegistry = config::Registry<MemoryModel>;

// The figures of a buffer of `capacity_kib` and `word_bits` built in the technology its section
// (`tile_buffer` or `global_buffer`) picks, with the section's banks but at least `min_banks`
// (one per port). A request the technology cannot build fails at the section's `banks`.
MemoryFigures buffer_figures(const config::Params& section, double capacity_kib, int word_bits, const Tech& tech);
MemoryFigures buffer_figures(const config::Params& section, double capacity_kib, int word_bits, int min_banks,
                             const Tech& tech);

}  // namespace cimsim::models
