#pragma once
// The steady-rate run (engine::steady_cycles_per_inference: the engine again at twice the
// inferences) in a second process, while this one runs the timing engine for the run itself.
// SystemC has one simulation context per process, so the two runs cannot share one; as two
// processes they take two cores, and the timing phase takes as long as the longer of the two
// instead of both. The child is a fork of this process; it runs what it is given (the longer run,
// and for an estimate everything that prepares it, sim/run/simulation.cpp) and sends back one
// number, the longer run's cycles; the result is the one the same run in this process gives
// (tests/test_cli.cpp compares them byte for byte).
//
// Only where the caller allows it (the `cimsim run` command: a library inside another program,
// Python for one, must not be forked behind its back) and more than one thread is allowed
// (run.threads). A child that cannot be started, fails or does not answer leaves the run to
// compute the steady rate itself.

#include <sys/types.h>

#include <cstdint>
#include <functional>

#include "sim/engine/timing.hpp"

namespace cimsim::run {

// Whether runs in this process may start the second process (default: no).
void allow_steady_rate_process(bool allowed);

class SteadyRateProcess {
 public:
  // Starts the child when allowed and `threads` (run.threads, 0 = every core) gives two or more.
  // The child calls `longer_run`, which returns the cycles of the steady-rate run; it says nothing
  // (its standard output and error go nowhere, its log is off) and writes no file.
  SteadyRateProcess(const std::function<std::int64_t()>& longer_run, int threads);
  ~SteadyRateProcess();  // stops and reaps a child whose answer was not taken
  SteadyRateProcess(const SteadyRateProcess&) = delete;
  SteadyRateProcess& operator=(const SteadyRateProcess&) = delete;

  // Cycles each further inference adds, given the run of `params` on `chip` itself: the child's
  // answer, or the steady-rate run here when there is none.
  double steady_cycles_per_inference(const mapping::ChipMap& chip, const engine::TimingParams& params,
                                     const engine::TimingResult& run);

 private:
  void stop();

  pid_t child_ = -1;
  int answer_fd_ = -1;
};

}  // namespace cimsim::run
