#pragma once
// Memory the simulator frees is kept for its next allocation instead of going back to the kernel.
//
// glibc serves blocks above its mmap threshold (128 KiB at start) with fresh mappings and trims
// the heap's top as soon as it is freed; each new block then costs a page fault per 4 KiB of
// zero-filled pages. The engines allocate and free array-sized matrices (256×256 floats = 256 KiB)
// millions of times, so with the defaults programming a chip spent most of its time in the
// kernel. Only freed memory is kept: the benchmarks' peak memory did not change.

#include <cstddef>

namespace cimsim::util {

// Call once, before the first large allocation (each program's main does).
void keep_freed_memory();

// Gives the kernel back the freed memory keep_freed_memory() keeps, when at least `at_least`
// bytes are free (0: whatever there is): after a phase whose temporaries are done with and before
// one that runs long (a full run's calibration pass over the data before the functional engine:
// 460 MB of VGG-16's with 8 images), or after a layer that freed much. A trim costs the next
// allocations their page faults again, so small runs, which free little, should not pay it.
void return_freed_memory(std::size_t at_least = 0);

// What a layer or a chip's programming must have freed before it is given back (64 MiB): VGG-16's
// layers free hundreds of MB, the digits networks' never this much.
constexpr std::size_t kLargeFreedBytes = std::size_t{64} << 20;

// Restarts the program (same arguments) with glibc's heap on transparent huge pages
// (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), when the kernel offers them and the environment does
// not already say: on the virtual machines this was measured on, a page fault per 4 KiB of new
// heap was a quarter of a hardware estimate's time (docs/performance.md). The setting is only
// read when a process starts, hence the restart. Returns when it does not restart: huge pages
// already on, turned off (CIMSIM_HUGE_PAGES=0), not offered, a library preloaded (a tool such as
// valgrind is watching), not glibc, or the exec failed.
void restart_with_huge_pages(char** argv);

}  // namespace cimsim::util
