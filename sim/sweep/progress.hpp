#pragma once
// The sweep's progress on stderr: points done, failed and still to go, and the time left. On a
// terminal one line redrawn in place; elsewhere (a log, a batch job) one line per finished point.

#include <chrono>
#include <string>

#include "sim/sweep/store.hpp"

namespace cimsim::sweep {

class SweepProgress {
 public:
  // `at_start`: the store's counts for the points this run covers, before it starts.
  SweepProgress(Counts at_start, bool enabled);
  void point_finished(const std::string& what, bool done, double wall_s);
  void finish();

 private:
  std::string status() const;

  Counts counts_;
  std::size_t finished_here_ = 0;
  std::chrono::steady_clock::time_point start_;
  bool enabled_, terminal_;
};

// "0.4 s", "45 s", "3 min 20 s", "2 h 05 min".
std::string format_duration(double seconds);

}  // namespace cimsim::sweep
