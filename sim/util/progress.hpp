#pragma once
// A progress line on stderr for long runs: done/total, rate and time left. Silent when stderr
// is not a terminal or when disabled, so logs and tests stay clean.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

namespace cimsim::util {

class Progress {
 public:
  Progress(std::string label, std::size_t total, bool enabled);
  ~Progress();
  void advance(std::size_t n = 1);  // thread-safe
  void finish();

  static bool terminal_attached();

 private:
  void draw(bool final_line);

  std::string label_;
  std::size_t total_;
  bool enabled_;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
  bool finished_ = false;
};

// Every progress bar's counts also go to this listener when one is set (a notebook's progress bar
// polls what it stores), enabled or not. It is called on the thread that advances: keep it cheap.
using ProgressListener = void (*)(const char* label, std::size_t done, std::size_t total);
void set_progress_listener(ProgressListener listener);

}  // namespace cimsim::util
