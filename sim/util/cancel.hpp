#pragma once
// Stopping a run from outside (a KeyboardInterrupt in Python, a host program's stop button): one
// process-wide flag that the engines read at their check points, between layers of every forward
// pass and between the stages of a run. A cancelled run throws util::Cancelled from the thread
// that runs it and leaves nothing behind; outputs are written only after a run ends.

#include <stdexcept>

namespace cimsim::util {

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("the run was cancelled") {}
};

// From any thread. The flag stays set until clear_cancel(), so every run in progress stops.
void request_cancel();
void clear_cancel();
bool cancel_requested();
// A check point: throws Cancelled when a cancel was requested.
void check_cancelled();

}  // namespace cimsim::util
