#pragma once
// The shared bus between the global buffer and the tiles: one transfer at a time, `width` bits
// per cycle, arbitrated by request time then priority; data lands `latency` cycles after the last
// beat leaves.

#include "sim/engine/kernel.hpp"

namespace cimsim::engine {

class Bus : public sc_core::sc_module {
 public:
  Bus(sc_core::sc_module_name name, std::int64_t width_bits, std::int64_t latency_cycles);

  // Moves `bits`; the far end may need longer than the bus (a narrower buffer port) and then
  // holds the bus for `min_cycles`. Returns when the data has arrived.
  void transfer(int priority, std::int64_t bits, sc_core::sc_event& done, std::int64_t min_cycles = 0);

  std::int64_t busy_cycles() const { return port_.busy_cycles(); }
  std::int64_t beats(std::int64_t bits) const { return ceil_div(bits, width_); }

 private:
  Port port_;
  std::int64_t width_, latency_;
};

}  // namespace cimsim::engine
