#include "sim/engine/kernel.hpp"

#include <algorithm>

namespace cimsim::engine {

void wait_until(std::int64_t t) {
  const std::int64_t now = now_cycles();
  if (t > now) {
    ++kernel_wakeups();
    sc_core::wait(cycles(t - now));
  }
}

void wait_for(const sc_core::sc_event& e) {
  ++kernel_wakeups();
  sc_core::wait(e);
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

Arbiter::Arbiter(sc_core::sc_module_name name) : sc_core::sc_module(name) {
  SC_HAS_PROCESS(Arbiter);
  SC_METHOD(arbitrate);
  sensitive << request_;
  dont_initialize();
}

void Arbiter::request(Request r) {
  r.order = order_++;
  pending_.push_back(r);
  request_.notify(sc_core::SC_ZERO_TIME);
  wait_for(*r.done);
}

void Arbiter::arbitrate() {
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

void Port::use(int priority, std::int64_t n, sc_core::sc_event& done) {
  if (n <= 0) return;
  Request r;
  r.priority = priority;
  r.amount = n;
  r.done = &done;
  request(r);
}

std::int64_t Port::grant(const Request& r, std::int64_t now) {
  return pool_.reserve(now, r.amount) + r.amount;
}

}  // namespace cimsim::engine
