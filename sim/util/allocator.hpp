#pragma once
// Memory the simulator frees is kept for its next allocation instead of going back to the kernel.
//
// glibc serves blocks above its mmap threshold (128 KiB at start) with fresh mappings and trims
// the heap's top as soon as it is freed; each new block then costs a page fault per 4 KiB of
// zero-filled pages. The engines allocate and free array-sized matrices (256×256 floats = 256 KiB)
// millions of times, so with the defaults programming a chip spent most of its time in the
// kernel. Only freed memory is kept: the benchmarks' peak memory did not change.
namespace cimsim::util {

// Call once, before the first large allocation (each program's main does).
void keep_freed_memory();

}  // namespace cimsim::util
