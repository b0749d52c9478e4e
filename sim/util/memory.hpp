#pragma once
// Up-front memory limits: a size read from a file or a config is turned into the bytes it would
// take and compared with the machine's memory before anything is allocated, so that an impossible
// size is an error that says which size and how much, not std::bad_alloc deep inside a run.

#include <cstdint>
#include <string>

namespace cimsim::util {

// Physical memory of this machine (sysconf), or of the process's address-space limit when lower.
double memory_limit_bytes();
// Lowers the limit for this process (fuzzing harnesses run under a tighter budget); 0 restores it.
void set_memory_limit_bytes(double bytes);

// "" when `bytes` fits in memory; otherwise the words after "<what> ": "needs 12 GiB, more than the
// 8 GiB of memory of this machine".
std::string memory_problem(double bytes);

}  // namespace cimsim::util
