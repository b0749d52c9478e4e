#pragma once
// This process's resident memory, as the kernel counts it (/proc/self/status): what a phase of a
// run holds, for `--log-level debug`.

#include <cstdint>

namespace cimsim::util {

struct Resident {
  std::int64_t now_bytes = 0;   // VmRSS
  std::int64_t peak_bytes = 0;  // VmHWM
};

// Zeros where the kernel does not say (not Linux).
Resident resident();

}  // namespace cimsim::util
