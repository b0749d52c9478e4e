#pragma once
// A VCD of a few low-rate signals of the control unit, written through sc_trace: the layer running
// (layer_serial), the layers in flight, the inferences completed and whether the arrays are being
// reprogrammed. Time is the chip's real time in picoseconds (clock cycles × the clock period).

#include <string>

#include "sim/engine/chip.hpp"

namespace cimsim::engine {

class VcdTrace {
 public:
  // Starts tracing into `path` (written under a temporary name until close()).
  VcdTrace(const std::string& path, Chip& chip);
  ~VcdTrace();
  // Flushes and closes the file; returns its final path.
  std::string close();

 private:
  std::string path_, partial_base_;
  sc_core::sc_trace_file* file_ = nullptr;
};

}  // namespace cimsim::engine
