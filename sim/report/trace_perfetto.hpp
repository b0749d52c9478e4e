#pragma once
// Timeline traces, written only on request (the `trace` section, or `cimsim run --trace`):
//   trace.json  Chrome/Perfetto trace-event JSON: one process per tile (tracks: the tile's layers,
//               each array, each ADC bank, the digital unit), one for the interconnect (a track per
//               bus or mesh link); slices carry layer names. Open it in https://ui.perfetto.dev or
//               chrome://tracing.
//   timing.vcd  a few low-rate control signals through sc_trace (sim/engine/vcd.hpp); open it in
//               GTKWave.
// Per-vector slices stop at trace.max_slices (later ones are counted in the file's metadata), so
// the file stays bounded on large networks; per-layer slices are always kept.

#include <string>

#include "sim/config/params.hpp"
#include "sim/engine/timing.hpp"

namespace cimsim::report {

// What the engine should record for a run writing into `output_dir`.
engine::TraceRequest trace_request(const config::Params& trace, const std::string& output_dir);

// The trace-event JSON of `log`.
std::string perfetto_json(const engine::TraceLog& log);

}  // namespace cimsim::report
