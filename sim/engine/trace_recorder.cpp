#include "sim/engine/trace_recorder.hpp"

#include <algorithm>

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
  // Labels are layer names, all made before the run starts: each layer gets an equal share of the
  // budget, so that the first layers do not take all of it.
  const auto l = static_cast<std::size_t>(label);
  if (kept_.size() < log_->names.size()) kept_.resize(log_->names.size(), 0);
  const std::int64_t share = max_ / static_cast<std::int64_t>(std::max<std::size_t>(1, log_->names.size()));
  if (kept_[l] >= share) {
    ++log_->dropped;
    return;
  }
  ++kept_[l];
  log_->slices.push_back({track, label, start, end});
}

void TraceRecorder::span(int track, int label, std::int64_t start, std::int64_t end) {
  if (log_) log_->slices.push_back({track, label, start, end});
}

}  // namespace cimsim::engine
