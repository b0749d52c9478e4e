#include "sim/engine/trace_recorder.hpp"

namespace cimsim::engine {

int TraceRecorder::track(const std::string& group, const std::string& name) {
  if (!log_) return 0;
  const auto key = std::make_pair(group, name);
  auto it = tracks_.find(key);
  if (it != tracks_.end()) return it->second;
  const int id = static_cast<int>(log_->tracks.size());
  log_->tracks.push_back({group, name});
  tracks_.emplace(key, id);
  return id;
}

int TraceRecorder::label(const std::string& name) {
  if (!log_) return 0;
  auto it = labels_.find(name);
  if (it != labels_.end()) return it->second;
  const int id = static_cast<int>(log_->names.size());
  log_->names.push_back(name);
  labels_.emplace(name, id);
  return id;
}

void TraceRecorder::slice(int track, int label, std::int64_t start, std::int64_t end) {
  if (!log_) return;
  if (kept_ >= max_) {
    ++log_->dropped;
    return;
  }
  ++kept_;
  log_->slices.push_back({track, label, start, end});
}

void TraceRecorder::span(int track, int label, std::int64_t start, std::int64_t end) {
  if (log_) log_->slices.push_back({track, label, start, end});
}

}  // namespace cimsim::engine
