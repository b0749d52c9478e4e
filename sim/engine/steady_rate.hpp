#pragma once
// The pieces of engine::steady_cycles_per_inference (timing.hpp), for a caller that runs the
// longer run elsewhere (sim/run/steady_rate_process.hpp runs it in a second process).

#include "sim/engine/timing.hpp"

namespace cimsim::engine {

// Cycles of the longer run of `params` on `chip`: twice the inferences, no traces, no
// global-buffer verdict.
std::int64_t longer_run_cycles(const mapping::ChipMap& chip, const TimingParams& params);

// Cycles each further inference adds, from the cycles of the run (of `inferences`) and of the
// longer run.
double steady_cycles_from(std::int64_t run_cycles, std::int64_t longer_cycles, int inferences);

}  // namespace cimsim::engine
