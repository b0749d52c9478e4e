#pragma once
// Runs a sweep: checks every point, records them in the store, and runs those not yet finished,
// several at a time, each as a child `cimsim run` process (docs/sweeps.md says why), recording
// each outcome as it comes. Restarted with the same command, it picks up where it stopped.

#include <string>

#include "sim/sweep/points.hpp"

namespace cimsim::sweep {

struct RunOptions {
  std::string store;          // "" -> the sweep file's `store:`, else out/sweeps/<name>.db
  int jobs = 0;               // points at once; 0 -> the CPUs this process may use
  int threads = 1;            // functional-engine threads of each point
  Shard shard;
  bool retry_failed = false;  // run failed points again
  bool quiet = false;         // no progress, no summary
  std::string binary;         // the cimsim executable; "" -> this one
};

// Returns 0 when every point is done, 1 when some failed. Bad input throws (config errors,
// a store of another sweep).
int run_sweep(const std::string& sweep_file, const RunOptions& options);

// Where a sweep's results go without --store.
std::string default_store(const SweepFile& sweep, const Shard& shard);

// CPUs this process may run on (its affinity mask: what a batch scheduler granted).
int available_cpus();

}  // namespace cimsim::sweep
