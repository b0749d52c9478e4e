#include "sim/util/resident.hpp"

#include <fstream>
#include <string>

namespace cimsim::util {

Resident resident() {
  Resident r;
  std::ifstream status("/proc/self/status");
  std::string key;
  std::int64_t kib = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> kib) r.now_bytes = kib * 1024;
    else if (key == "VmHWM:" && status >> kib) r.peak_bytes = kib * 1024;
  }
  return r;
}

}  // namespace cimsim::util
