#include "sim/util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "sim/util/seconds_since.hpp"

namespace cimsim::util {

namespace {
std::atomic<ProgressListener> listener{nullptr};
void tell_listener(const std::string& label, std::size_t done, std::size_t total) {
  if (const ProgressListener l = listener.load()) l(label.c_str(), done, total);
}
}  // namespace

void set_progress_listener(ProgressListener l) { listener = l; }

Progress::Progress(std::string label, std::size_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {
  tell_listener(label_, 0, total_);
}

Progress::~Progress() { finish(); }

bool Progress::terminal_attached() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::advance(std::size_t n) {
  tell_listener(label_, done_ += n, total_);
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final_line) {
  const double elapsed = util::seconds_since(start_);
  const std::size_t done = done_.load();
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar += std::string(static_cast<std::size_t>(width - filled), '.');
  std::string eta = "--";
  if (done > 0 && done < total_) eta = fmt::format("{:.1f} s", elapsed * (1.0 / frac - 1.0));
  std::fprintf(stderr, "\r%s [%s] %zu/%zu  %.1f s elapsed, %s left%s", label_.c_str(), bar.c_str(), done,
               total_, elapsed, final_line ? "0 s" : eta.c_str(), final_line ? "\n" : "   ");
  std::fflush(stderr);
}

}  // namespace cimsim::util
