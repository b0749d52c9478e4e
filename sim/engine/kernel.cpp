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
Arbitration*& current_arbitration() {
  static Arbitration* a = nullptr;
  return a;
}
}  // namespace

Arbitration::Arbitration(const char* name) : sc_core::sc_prim_channel(name) { current_arbitration() = this; }

Arbitration::~Arbitration() {
  if (current_arbitration() == this) current_arbitration() = nullptr;
}

Arbitration& Arbitration::current() { return *current_arbitration(); }

void Arbitration::requested(Arbiter* a) {
  if (arbiters_.empty()) request_update();
  arbiters_.push_back(a);
}

void Arbitration::update() {
  // Served in the order the arbiters' own method processes ran when each had one: SystemC
  // triggers a delta cycle's notifications last first, so the reverse of their first requests.
  for (auto a = arbiters_.rbegin(); a != arbiters_.rend(); ++a) (*a)->serve_pending();
  arbiters_.clear();
}

Wait Arbiter::request(Request r) {
  r.order = order_++;
  if (pending_.empty()) Arbitration::current().requested(this);
  pending_.push_back(r);
  return wait_for(*r.done);
}

void Arbiter::serve_pending() {
  std::sort(pending_.begin(), pending_.end(), [](const Request& a, const Request& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.order < b.order;
  });
  const std::int64_t now = now_cycles();
  for (const Request& r : pending_) {
    const std::int64_t resume = grant(r, now);
    // A delta notification when the grant is immediate (no arbiter grants one today: every
    // service takes a cycle or more).
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
