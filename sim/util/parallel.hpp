#pragma once
// Fixed-partition parallel loops. Work is cut into tasks whose boundaries never depend on the
// thread count, and every task writes only its own slot, so results are bit-identical for any
// number of threads.

#include <cstddef>
#include <functional>

namespace cimsim::util {

// Number of worker threads to use: `requested`, or all hardware threads when 0.
int resolve_threads(int requested);

// Threads go where the work is: over batches when there are enough of them, otherwise inside each
// batch (its matrix products), so that a single large image still uses every thread.
struct ThreadSplit {
  int batch_threads, inner_threads;
};
ThreadSplit split_threads(std::size_t batches, int threads);

// Calls fn(task) for task in [0, n_tasks) on up to `threads` threads. The first exception thrown
// by any task is rethrown on the calling thread after all workers stop.
void parallel_for(std::size_t n_tasks, int threads, const std::function<void(std::size_t)>& fn);

}  // namespace cimsim::util
