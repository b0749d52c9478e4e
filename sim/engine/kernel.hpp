#pragma once
// Shared pieces of the SystemC model. The kernel's time is real time at a resolution of 1 ps, and
// the engine moves in whole clock cycles of kernel_cycle_ps() each (the clock period rounded to the
// picosecond), so that a VCD shows the chip's time. Latencies in the report come from cycles × the
// exact clock period.

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/engine/coroutine.hpp"
#include "sim/engine/plan.hpp"

namespace cimsim::engine {

// Picoseconds per clock cycle in the kernel (set for each run).
std::int64_t& kernel_cycle_ps();
inline std::int64_t now_cycles() {
  return static_cast<std::int64_t>(sc_core::sc_time_stamp().value()) / kernel_cycle_ps();
}
inline sc_core::sc_time cycles(std::int64_t n) {
  return sc_core::sc_time::from_value(static_cast<sc_core::sc_time::value_type>(n * kernel_cycle_ps()));
}

// co_await: sleeps the calling process until cycle `t` (no-op when t is not in the future).
Wait wait_until(std::int64_t t);
// co_await: sleeps the calling process until `e` is notified.
Wait wait_for(const sc_core::sc_event& e);

// An event made when first used (*e, e->notify). SystemC gives every event made before the
// simulation starts a generated name and files it in its object tables; one made while the
// simulation runs is neither. A chip's stations hold tens of thousands of events (VGG-16: 59 k),
// and naming and filing them took about as long as a tenth of the run.
class LazyEvent {
 public:
  sc_core::sc_event& operator*() const {
    if (!event_) event_.emplace();
    return *event_;
  }
  sc_core::sc_event* operator->() const { return &**this; }

 private:
  mutable std::optional<sc_core::sc_event> event_;
};

// Counts process wake-ups for the speed report.
std::int64_t& kernel_wakeups();

// Starts `body` as a SystemC method process named after `name` and returns its handle. `state`
// (where the process resumes) must outlive the simulation; the caller keeps `body`'s frame alive
// as long.
sc_core::sc_process_handle spawn_process(const char* name, ProcessState& state, const Process& body);

// Servers a single process reserves ahead of time (a tile's buffer ports, its digital unit): a
// request takes the server that frees first, at `earliest` or later.
class ServerPool {
 public:
  explicit ServerPool(int servers = 1) : free_(static_cast<std::size_t>(std::max(1, servers)), 0) {}
  // Returns the start of an `n`-cycle service.
  std::int64_t reserve(std::int64_t earliest, std::int64_t n);
  std::int64_t busy_cycles() const { return busy_; }

 private:
  std::vector<std::int64_t> free_;
  std::int64_t busy_ = 0;
};

class Arbiter;

// Grants, at the end of every delta cycle in which requests were made, those requests over all
// arbiters: in SystemC's update phase, after every process of the delta has run and before any
// of the next (docs/timing.md, "Arbitration"). One per run, made before the simulation starts
// (the chip makes it); arbiters find it through current().
class Arbitration : public sc_core::sc_prim_channel {
 public:
  explicit Arbitration(const char* name);
  ~Arbitration() override;
  Arbitration(const Arbitration&) = delete;
  Arbitration& operator=(const Arbitration&) = delete;
  static Arbitration& current();
  // `a` has its first request of the delta cycle.
  void requested(Arbiter* a);

 private:
  void update() override;
  std::vector<Arbiter*> arbiters_;  // in the order of their first requests
};

// A shared resource that many processes request at run time (the global buffer's read port, the
// interconnect). Requests made at the same instant are granted by priority (lower first), then in
// the order they came; later requests are granted after earlier ones. grant() says when the
// requester resumes; the requester sleeps until then. Requests made in one delta cycle are
// granted together when it ends (Arbitration).
class Arbiter : public sc_core::sc_module {
 public:
  struct Request {
    int priority = 0;
    std::int64_t order = 0;
    int from = 0, to = 0;
    std::int64_t amount = 0;  // cycles (a port) or bits (a link)
    std::int64_t sink_cycles = 0;
    int label = 0;            // trace slice name
    sc_core::sc_event* done = nullptr;
  };

  explicit Arbiter(sc_core::sc_module_name name) : sc_core::sc_module(name) {}
  // co_await: sleeps the calling process until its request has been served.
  Wait request(Request r);

 protected:
  // Serves `r` at `now` or later; returns the cycle its requester resumes.
  virtual std::int64_t grant(const Request& r, std::int64_t now) = 0;

 private:
  friend class Arbitration;
  void serve_pending();
  std::vector<Request> pending_;
  std::int64_t order_ = 0;
};

// A port of `servers` identical servers, each busy `amount` cycles per request.
class Port : public Arbiter {
 public:
  Port(sc_core::sc_module_name name, int servers);
  // co_await: occupies a server for `n` cycles; resumes at the end of the service.
  Wait use(int priority, std::int64_t n, sc_core::sc_event& done);
  std::int64_t busy_cycles() const { return pool_.busy_cycles(); }

 protected:
  std::int64_t grant(const Request& r, std::int64_t now) override;

 private:
  ServerPool pool_;
};

}  // namespace cimsim::engine
