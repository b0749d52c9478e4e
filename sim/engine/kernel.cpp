#include "sim/engine/kernel.hpp"

#include <algorithm>

namespace cimsim::engine {

Wait wait_until(std::int64_t t) {
  const std::int64_t now = now_cycles();
  if (t <= now) return Wait();
  ++kernel_wakeups();
  return Wait(cycles(t - now));
}

Wait wait_for(const sc_core::sc_event& e) {
  ++kernel_wakeups();
  return Wait(e);
}

sc_core::sc_process_handle spawn_process(const char* name, ProcessState& state, const Process& body) {
  state.resume_point = body.handle();
  ProcessState* p = &state;
  sc_core::sc_spawn_options opt;
  opt.spawn_method();  // initialized: it runs once at the start, as a thread would
  return sc_core::sc_spawn(
      [p] {
        Arbiter::grant_earlier_requests();
        running_process() = p;
        p->resume_point.resume();
      },
      sc_core::sc_gen_unique_name(name), &opt);
}

std::int64_t& kernel_cycle_ps() {
  static std::int64_t ps = 1000;
  return ps;
}

std::int64_t& kernel_wakeups() {
  static std::int64_t n = 0;
  return n;
}

std::int64_t ServerPool::reserve(std::int64_t earliest, std::int64_t n) {
  auto server = std::min_element(free_.begin(), free_.end());
  const std::int64_t start = std::max(earliest, *server);
  *server = start + n;
  busy_ += n;
  return start;
}

namespace {

// The arbiters that have requests pending, in the order their first request of the delta cycle
// came; all of them from one delta cycle.
struct PendingArbiters {
  std::vector<Arbiter*> arbiters;
  sc_dt::uint64 delta = 0;
};

PendingArbiters& pending_arbiters() {
  static PendingArbiters p;
  return p;
}

}  // namespace

Arbiter::Arbiter(sc_core::sc_module_name name) : sc_core::sc_module(name) {
  SC_HAS_PROCESS(Arbiter);
  // Runs the next delta cycle after a request, so that requests are granted even when no other
  // process runs then.
  SC_METHOD(arbitrate);
  sensitive << request_;
  dont_initialize();
}

Wait Arbiter::request(Request r) {
  r.order = order_++;
  if (pending_.empty()) {
    PendingArbiters& p = pending_arbiters();
    if (p.arbiters.empty()) p.delta = sc_core::sc_delta_count();
    p.arbiters.push_back(this);
  }
  pending_.push_back(r);
  request_.notify(sc_core::SC_ZERO_TIME);
  return wait_for(*r.done);
}

void Arbiter::grant_earlier_requests() {
  PendingArbiters& p = pending_arbiters();
  if (p.arbiters.empty() || p.delta == sc_core::sc_delta_count()) return;
  // SystemC triggers a delta cycle's notifications last first, so the arbiters' own methods (the
  // only method processes when every other process was a thread) ran in the reverse order of
  // their first requests.
  for (auto a = p.arbiters.rbegin(); a != p.arbiters.rend(); ++a) (*a)->serve_pending();
  p.arbiters.clear();
}

void Arbiter::reset() { pending_arbiters().arbiters.clear(); }

void Arbiter::arbitrate() { grant_earlier_requests(); }

void Arbiter::serve_pending() {
  std::sort(pending_.begin(), pending_.end(), [](const Request& a, const Request& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.order < b.order;
  });
  const std::int64_t now = now_cycles();
  for (const Request& r : pending_) {
    const std::int64_t resume = grant(r, now);
    // A delta notification when the grant is immediate, so that the requester is never woken
    // before it waits.
    if (resume > now) r.done->notify(cycles(resume - now));
    else r.done->notify(sc_core::SC_ZERO_TIME);
  }
  pending_.clear();
}

Port::Port(sc_core::sc_module_name name, int servers) : Arbiter(name), pool_(servers) {}

Wait Port::use(int priority, std::int64_t n, sc_core::sc_event& done) {
  if (n <= 0) return Wait();
  Request r;
  r.priority = priority;
  r.amount = n;
  r.done = &done;
  return request(r);
}

std::int64_t Port::grant(const Request& r, std::int64_t now) {
  return pool_.reserve(now, r.amount) + r.amount;
}

}  // namespace cimsim::engine
