#pragma once
// The chip's three kinds of buffer as their technologies build them: every tile's input buffer
// (one bank per read port at least) and output buffer (one per write port), and the global
// buffer, each from its capacity (given) and port width (sections tile and chip) and its technology
// (sections tile_buffer and global_buffer) on the tech node. The timing engine takes the cycles a
// word access occupies a port from here; the cost model the energies, static power and area.

#include "models/memories/memory_model.hpp"
#include "sim/config/params.hpp"

namespace cimsim::models {

struct BufferFigures {
  MemoryFigures figures;
  double capacity_kib = 0;
  int banks = 1;
  // Cycles one word access occupies the buffer's port at the clock: the access latency in whole
  // cycles, spread over the banks that serve consecutive words in turn, at least 1.
  int read_cycles = 1, write_cycles = 1;
};

// Capacities of one tile's input and output buffers and of the global buffer, KiB: the chip's
// settled sizes (an `auto` size is known only once the schedule has set it).
struct BufferSizes {
  double input_kib = 0, output_kib = 0, global_kib = 0;
};

struct ChipBuffers {
  BufferFigures input, output, global;
  static ChipBuffers of(const config::Config& config, const BufferSizes& sizes);
};

// Cycles an access of `access_ns` occupies a port served by `banks` interleaved banks at `clock_mhz`.
int port_cycles(double access_ns, double clock_mhz, int banks);

}  // namespace cimsim::models
