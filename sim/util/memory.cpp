#include "sim/util/memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "sim/util/read_file.hpp"

namespace cimsim::util {

namespace {
double g_override = 0;
}  // namespace

void set_memory_limit_bytes(double bytes) { g_override = bytes; }

double memory_limit_bytes() {
  if (g_override > 0) return g_override;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  double limit = pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 1e18;
  struct rlimit r {};
  if (::getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
    limit = std::min(limit, static_cast<double>(r.rlim_cur));
  return limit;
}

std::string memory_problem(double bytes) {
  const double limit = memory_limit_bytes();
  if (bytes <= limit) return "";
  return "needs " + byte_text(bytes) + ", more than the " + byte_text(limit) + " of memory this machine has";
}

}  // namespace cimsim::util
