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

std::int64_t& kernel_wakeups() {
  static std::int64_t n = 0;
  return n;
}

Port::Port(sc_core::sc_module_name name, int servers)
    : sc_core::sc_module(name), free_at_(static_cast<std::size_t>(std::max(1, servers)), 0) {
  SC_HAS_PROCESS(Port);
  SC_METHOD(arbitrate);
  sensitive << request_;
  dont_initialize();
}

void Port::use(int priority, std::int64_t n, sc_core::sc_event& done) {
  if (n <= 0) return;
  pending_.push_back({priority, order_++, n, &done});
  request_.notify(sc_core::SC_ZERO_TIME);
  ++kernel_wakeups();
  sc_core::wait(done);
}

void Port::arbitrate() {
  std::sort(pending_.begin(), pending_.end(), [](const Request& a, const Request& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.order < b.order;
  });
  const std::int64_t now = now_cycles();
  for (const Request& r : pending_) {
    auto server = std::min_element(free_at_.begin(), free_at_.end());
    const std::int64_t start = std::max(now, *server);
    *server = start + r.cycles;
    busy_ += r.cycles;
    r.done->notify(cycles(*server - now));
  }
  pending_.clear();
}

}  // namespace cimsim::engine
