#include "sim/engine/interconnect.hpp"

#include <algorithm>
#include <cmath>

namespace cimsim::engine {

Interconnect::Interconnect(sc_core::sc_module_name name, int tiles, TraceRecorder& trace)
    : Arbiter(name), tiles_(tiles), trace_(trace) {}

Wait Interconnect::transfer(int from, int to, std::int64_t bits, int priority, int label, sc_core::sc_event& done,
                            std::int64_t sink_cycles) {
  if (bits <= 0 || from == to) return Wait();
  Request r;
  r.priority = priority;
  r.from = from;
  r.to = to;
  r.amount = bits;
  r.sink_cycles = sink_cycles;
  r.label = label;
  r.done = &done;
  return request(r);
}

// --- bus ------------------------------------------------------------------------------------------

Bus::Bus(sc_core::sc_module_name name, int tiles, std::int64_t width_bits, std::int64_t latency_cycles,
         TraceRecorder& trace)
    : Interconnect(name, tiles, trace), width_(width_bits), latency_(latency_cycles) {
  track_ = trace_.track("interconnect", "bus");
}

std::int64_t Bus::grant(const Request& r, std::int64_t now) {
  const std::int64_t start = std::max(now, free_at_);
  const std::int64_t occupied = std::max(ceil_div(r.amount, width_), r.sink_cycles);
  free_at_ = start + occupied;
  busy_ += occupied;
  trace_.slice(track_, r.label, start, free_at_);
  return free_at_ + latency_;
}

// --- mesh -----------------------------------------------------------------------------------------

std::int64_t LinkCalendar::reserve(std::int64_t earliest, std::int64_t n) {
  std::int64_t t = earliest;
  auto it = busy_intervals_.upper_bound(t);
  if (it != busy_intervals_.begin()) {
    auto prev = std::prev(it);
    if (prev->second > t) t = prev->second;
  }
  while (it != busy_intervals_.end() && it->first < t + n) {
    t = std::max(t, it->second);
    ++it;
  }
  // Insert [t, t+n), merging with touching neighbours to keep the map short.
  std::int64_t begin = t, end = t + n;
  auto next = busy_intervals_.lower_bound(begin);
  if (next != busy_intervals_.begin()) {
    auto prev = std::prev(next);
    if (prev->second == begin) {
      begin = prev->first;
      busy_intervals_.erase(prev);
    }
  }
  next = busy_intervals_.find(end);
  if (next != busy_intervals_.end()) {
    end = next->second;
    busy_intervals_.erase(next);
  }
  busy_intervals_[begin] = end;
  busy_ += n;
  return t;
}

void LinkCalendar::forget_before(std::int64_t t) {
  while (!busy_intervals_.empty() && busy_intervals_.begin()->second <= t) busy_intervals_.erase(busy_intervals_.begin());
}

namespace {
enum Direction { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3 };
}

Mesh::Mesh(sc_core::sc_module_name name, int tiles, int columns, std::int64_t link_width_bits, std::int64_t hop_cycles,
           TraceRecorder& trace)
    : Interconnect(name, tiles, trace),
      columns_(std::max(1, columns)),
      rows_(static_cast<int>(ceil_div(std::max(1, tiles), std::max(1, columns)))),
      width_(link_width_bits),
      hop_(hop_cycles) {
  // Four outgoing links per router, then the global buffer's links into and out of router 0.
  calendars_.resize(static_cast<std::size_t>(columns_ * rows_ * 4 + 2));
  tracks_.assign(calendars_.size(), -1);
}

std::vector<int> Mesh::path(int from, int to) const {
  const int gb = global_buffer_node();
  const int gb_in = columns_ * rows_ * 4, gb_out = gb_in + 1;
  std::vector<int> links;
  int r = from == gb ? 0 : from;
  const int target = to == gb ? 0 : to;
  if (from == gb) links.push_back(gb_in);
  int x = r % columns_, y = r / columns_;
  const int tx = target % columns_, ty = target / columns_;
  while (x != tx) {
    const int d = tx > x ? kEast : kWest;
    links.push_back((y * columns_ + x) * 4 + d);
    x += tx > x ? 1 : -1;
  }
  while (y != ty) {
    const int d = ty > y ? kNorth : kSouth;
    links.push_back((y * columns_ + x) * 4 + d);
    y += ty > y ? 1 : -1;
  }
  if (to == gb) links.push_back(gb_out);
  return links;
}

int Mesh::hops(int from, int to) const {
  if (from == to) return 0;
  const int gb = global_buffer_node();
  const int a = from == gb ? 0 : from, b = to == gb ? 0 : to;
  return std::abs(a % columns_ - b % columns_) + std::abs(a / columns_ - b / columns_) + (from == gb) + (to == gb);
}

std::string Mesh::link_name(int link) const {
  const int gb_in = columns_ * rows_ * 4;
  if (link == gb_in) return "global buffer -> router 0";
  if (link == gb_in + 1) return "router 0 -> global buffer";
  const int r = link / 4, d = link % 4;
  const int x = r % columns_, y = r / columns_;
  const int nx = x + (d == kEast) - (d == kWest), ny = y + (d == kNorth) - (d == kSouth);
  return "router " + std::to_string(r) + " -> " + std::to_string(ny * columns_ + nx);
}

std::int64_t Mesh::grant(const Request& r, std::int64_t now) {
  const std::vector<int> links = path(r.from, r.to);
  const std::int64_t flits = ceil_div(r.amount, width_);
  std::int64_t head = now, start = now, occupied = flits;
  for (std::size_t i = 0; i < links.size(); ++i) {
    LinkCalendar& cal = calendars_[static_cast<std::size_t>(links[i])];
    cal.forget_before(now);
    occupied = i + 1 == links.size() ? std::max(flits, r.sink_cycles) : flits;
    start = cal.reserve(head, occupied);
    busy_ += occupied;
    if (trace_.on()) {
      int& track = tracks_[static_cast<std::size_t>(links[i])];
      if (track < 0) track = trace_.track("interconnect", link_name(links[i]));
      trace_.slice(track, r.label, start, start + occupied);
    }
    head = start + hop_;
  }
  return start + hop_ + occupied;
}

std::int64_t Mesh::busiest_link_cycles() const {
  std::int64_t most = 0;
  for (const auto& c : calendars_) most = std::max(most, c.busy_cycles());
  return most;
}

std::unique_ptr<Interconnect> make_interconnect(const mapping::Architecture& arch, TraceRecorder& trace) {
  if (arch.interconnect == mapping::Interconnect::Mesh)
    return std::make_unique<Mesh>("mesh", arch.tiles, arch.mesh_row_length(), arch.mesh_link_width_bits,
                                  arch.mesh_hop_cycles, trace);
  return std::make_unique<Bus>("bus", arch.tiles, arch.bus_width_bits, arch.bus_latency_cycles, trace);
}

}  // namespace cimsim::engine
