#pragma once
// Wall-clock seconds elapsed since a steady_clock time point: run times, progress estimates and
// the benchmarks all measure this way.

#include <chrono>

namespace cimsim::util {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cimsim::util
