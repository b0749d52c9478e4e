#include "sim/util/allocator.hpp"

#include <malloc.h>

namespace cimsim::util {

void keep_freed_memory() {
#if defined(__GLIBC__)
  // Blocks up to 256 MiB come from the heap; up to 1 GiB of freed heap top stays mapped.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace cimsim::util
