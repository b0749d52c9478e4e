#pragma once
// Collects timeline slices while the engine runs (plain C++). Per-vector slices stop being kept
// past a limit, shared equally by the layers (each keeps its first ones), so that a trace of a large
// network stays bounded and still shows every layer; per-layer slices (a handful per tile) are
// always kept.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/timing.hpp"

namespace cimsim::engine {

class TraceRecorder {
 public:
  TraceRecorder(TraceLog* log, std::int64_t max_slices) : log_(log), max_(max_slices) {}

  bool on() const { return log_ != nullptr; }
  // The track of (group, name), created on first use.
  int track(const std::string& group, const std::string& name);
  // Index of a slice name.
  int label(const std::string& name);
  // A per-vector slice (dropped past the limit).
  void slice(int track, int label, std::int64_t start, std::int64_t end);
  // A per-layer slice (always kept).
  void span(int track, int label, std::int64_t start, std::int64_t end);

 private:
  TraceLog* log_;
  std::int64_t max_;
  std::vector<std::int64_t> kept_;  // per label (layer)
  std::map<std::pair<std::string, std::string>, int> tracks_;
  std::map<std::string, int> labels_;
};

}  // namespace cimsim::engine
