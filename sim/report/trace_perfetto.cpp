#include "sim/report/trace_perfetto.hpp"

#include <fmt/format.h>

#include <map>

#include "sim/config/schema.hpp"
#include "sim/util/json.hpp"

namespace cimsim::report {

namespace {

config::SectionSpec trace_section() {
  config::SectionSpec s("trace", "Timeline traces of the timing engine, written into the output folder on request");
  s.order(5);
  s.boolean("perfetto", false, "Write trace.json (Chrome/Perfetto trace events: tiles, arrays, ADC banks, links)");
  s.boolean("vcd", false, "Write timing.vcd (control-unit signals through sc_trace)");
  s.integer("max_slices", 200000, "slices",
            "Per-vector slices kept in trace.json (about 100 bytes each), shared equally by the layers (each keeps "
            "its first); later ones are counted, not written")
      .range(0, 1LL << 40);
  return s;
}
const config::SectionRegistrar registered(trace_section);

}  // namespace

engine::TraceRequest trace_request(const config::Params& p, const std::string& output_dir) {
  engine::TraceRequest r;
  r.perfetto = p.flag("perfetto");
  r.max_slices = p.integer("max_slices");
  if (p.flag("vcd")) r.vcd_path = output_dir + "/timing.vcd";
  return r;
}

std::string perfetto_json(const engine::TraceLog& log) {
  // Processes are track groups, threads are tracks; timestamps in microseconds.
  std::map<std::string, int> pid;
  std::string out = "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
  bool first = true;
  auto event = [&](const std::string& e) {
    if (!first) out += ",\n";
    out += e;
    first = false;
  };
  for (std::size_t t = 0; t < log.tracks.size(); ++t) {
    const auto& tr = log.tracks[t];
    auto [it, fresh] = pid.emplace(tr.group, static_cast<int>(pid.size()) + 1);
    if (fresh)
      event(fmt::format(R"({{"name": "process_name", "ph": "M", "pid": {}, "args": {{"name": {}}}}})", it->second,
                        json::escape(tr.group)));
    event(fmt::format(R"({{"name": "thread_name", "ph": "M", "pid": {}, "tid": {}, "args": {{"name": {}}}}})",
                      it->second, t, json::escape(tr.name)));
    event(fmt::format(R"({{"name": "thread_sort_index", "ph": "M", "pid": {}, "tid": {}, "args": {{"sort_index": {}}}}})",
                      it->second, t, t));
  }
  const double us = log.cycle_ns * 1e-3;
  for (const auto& s : log.slices) {
    const auto& tr = log.tracks[static_cast<std::size_t>(s.track)];
    event(fmt::format(R"({{"name": {}, "ph": "X", "pid": {}, "tid": {}, "ts": {}, "dur": {}}})",
                      json::escape(log.names[static_cast<std::size_t>(s.name)]), pid[tr.group], s.track,
                      static_cast<double>(s.start) * us, static_cast<double>(s.end - s.start) * us));
  }
  out += fmt::format("\n], \"otherData\": {{\"cycle_ns\": {}, \"slices\": {}, \"dropped_slices\": {}}}}}\n",
                     log.cycle_ns, log.slices.size(), log.dropped);
  return out;
}

}  // namespace cimsim::report
