#include "sim/sweep/progress.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "sim/util/progress.hpp"
#include "sim/util/seconds_since.hpp"

namespace cimsim::sweep {

std::string format_duration(double seconds) {
  if (seconds < 9.95) return fmt::format("{:.1f} s", seconds);
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

SweepProgress::SweepProgress(Counts at_start, bool enabled)
    : counts_(at_start), start_(std::chrono::steady_clock::now()), enabled_(enabled),
      terminal_(util::Progress::terminal_attached()) {
  if (enabled_ && terminal_) {
    std::fprintf(stderr, "%s", status().c_str());
    std::fflush(stderr);
  }
}

std::string SweepProgress::status() const {
  std::string eta;
  if (counts_.pending == 0) {
    eta = "finished";
  } else if (finished_here_ > 0) {
    // Points so far took this long each, with however many ran side by side.
    const double elapsed = util::seconds_since(start_);
    eta = "about " + format_duration(elapsed / static_cast<double>(finished_here_) *
                                     static_cast<double>(counts_.pending)) + " left";
  } else {
    eta = "time left unknown yet";
  }
  return fmt::format("sweep: {}/{} done, {} failed, {} to go, {}", counts_.done, counts_.total(), counts_.failed,
                     counts_.pending, eta);
}

void SweepProgress::point_finished(const std::string& what, bool done, double wall_s) {
  ++finished_here_;
  --counts_.pending;
  ++(done ? counts_.done : counts_.failed);
  if (!enabled_) return;
  if (terminal_) std::fprintf(stderr, "\r\033[K%s", status().c_str());
  else
    std::fprintf(stderr, "sweep: point %s %s in %s; %s\n", what.c_str(), done ? "done" : "FAILED",
                 format_duration(wall_s).c_str(), status().substr(7).c_str());
  std::fflush(stderr);
}

void SweepProgress::finish() {
  if (enabled_ && terminal_) std::fprintf(stderr, "\n");
}

}  // namespace cimsim::sweep
