#include "sim/util/allocator.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace cimsim::util {

void keep_freed_memory() {
#if defined(__GLIBC__)
  // Blocks up to 256 MiB come from the heap; up to 1 GiB of freed heap top stays mapped.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void return_freed_memory(std::size_t at_least) {
#if defined(__GLIBC__)
  // mallinfo2 adds up every arena's free bytes: cheap beside a trim, which walks them all.
  if (at_least > 0 && mallinfo2().fordblks < at_least) return;
  malloc_trim(0);
#else
  (void)at_least;
#endif
}

void restart_with_huge_pages(char** argv) {
#if defined(__GLIBC__) && defined(__linux__)
  const char* off = std::getenv("CIMSIM_HUGE_PAGES");
  if (off && std::string(off) == "0") return;
  // Set by the restart itself: a process whose environment is filtered (set-user-ID) would
  // otherwise restart forever.
  if (std::getenv("CIMSIM_HUGE_PAGES_RESTARTED")) return;
  // A preloaded library means a tool is watching the process (valgrind, heaptrack, a profiler):
  // the restarted program would escape it, or, under valgrind, /proc/self/exe names the tool.
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload && *preload) return;
  const char* given = std::getenv("GLIBC_TUNABLES");
  std::string tunables = given ? given : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;  // the user's choice stands
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  if (!std::getline(mode, modes) || modes.find("[never]") != std::string::npos) return;
  tunables += (tunables.empty() ? "" : ":") + std::string("glibc.malloc.hugetlb=1");
  setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
  setenv("CIMSIM_HUGE_PAGES_RESTARTED", "1", 1);
  execv("/proc/self/exe", argv);
  // Not restarted: go on as started.
  if (given) setenv("GLIBC_TUNABLES", given, 1);
  else unsetenv("GLIBC_TUNABLES");
#else
  (void)argv;
#endif
}

}  // namespace cimsim::util
