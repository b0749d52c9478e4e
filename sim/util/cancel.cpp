#include "sim/util/cancel.hpp"

#include <atomic>

namespace cimsim::util {

namespace {
std::atomic<bool> cancel_flag{false};
}

void request_cancel() { cancel_flag.store(true, std::memory_order_relaxed); }
void clear_cancel() { cancel_flag.store(false, std::memory_order_relaxed); }
bool cancel_requested() { return cancel_flag.load(std::memory_order_relaxed); }
void check_cancelled() {
  if (cancel_requested()) throw Cancelled();
}

}  // namespace cimsim::util
