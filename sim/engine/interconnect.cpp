#include "sim/engine/interconnect.hpp"

#include <algorithm>

namespace cimsim::engine {

Bus::Bus(sc_core::sc_module_name name, std::int64_t width_bits, std::int64_t latency_cycles)
    : sc_core::sc_module(name), port_("port", 1), width_(width_bits), latency_(latency_cycles) {}

void Bus::transfer(int priority, std::int64_t bits, sc_core::sc_event& done, std::int64_t min_cycles) {
  if (bits <= 0) return;
  port_.use(priority, std::max(beats(bits), min_cycles), done);
  wait_until(now_cycles() + latency_);
}

}  // namespace cimsim::engine
