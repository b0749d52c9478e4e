#pragma once
// Shared pieces of the SystemC model. The engine's time axis counts clock cycles: one cycle is one
// unit of SystemC time (resolution 1 ns), whatever the clock frequency; latencies in seconds come
// from cycles × the clock period outside the kernel.

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn, for per-layer sender threads
#endif
#include <systemc>

#include <cstdint>
#include <vector>

#include "sim/engine/plan.hpp"

namespace cimsim::engine {

inline std::int64_t now_cycles() { return static_cast<std::int64_t>(sc_core::sc_time_stamp().value()); }
inline sc_core::sc_time cycles(std::int64_t n) { return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS); }

// Sleeps the calling thread until cycle `t` (no-op when t is not in the future).
void wait_until(std::int64_t t);

// Counts process wake-ups for the speed report.
std::int64_t& kernel_wakeups();

// A resource that serves one request at a time per server (a buffer port, a bus). Requests made
// at the same instant are granted by priority (lower first), then in the order they came; later
// requests queue behind earlier grants. The caller's thread sleeps until its request is served.
class Port : public sc_core::sc_module {
 public:
  Port(sc_core::sc_module_name name, int servers);

  // Occupies a server for `n` cycles; returns at the end of the service. `done` is the caller's own
  // event (one per thread).
  void use(int priority, std::int64_t n, sc_core::sc_event& done);

  std::int64_t busy_cycles() const { return busy_; }

 private:
  void arbitrate();

  struct Request {
    int priority;
    std::int64_t order;
    std::int64_t cycles;
    sc_core::sc_event* done;
  };
  std::vector<Request> pending_;
  std::vector<std::int64_t> free_at_;
  std::int64_t order_ = 0;
  std::int64_t busy_ = 0;
  sc_core::sc_event request_;
};

}  // namespace cimsim::engine
