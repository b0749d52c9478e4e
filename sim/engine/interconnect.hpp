#pragma once
// The network between the global buffer and the tiles. Nodes are the tiles 0..T−1 and the global
// buffer (node T). Two kinds:
//   Bus: one transfer at a time over `width` bits per cycle; data lands `latency` cycles after the
//   last beat leaves.
//   Mesh: one router per tile on a 2-D grid, XY routing, the global buffer attached to the router
//   of tile 0 by a link of its own. A packet of n = ⌈bits/width⌉ flits takes each link of its path
//   for n cycles; its head needs `hop` cycles per link, so without contention it arrives
//   H·hop + n cycles after it leaves (virtual cut-through: a blocked head waits in the router).
// Both arbitrate requests made at the same instant by priority, then in request order. A transfer
// within one tile does not use the interconnect.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/kernel.hpp"
#include "sim/engine/trace_recorder.hpp"
#include "sim/mapping/architecture.hpp"

namespace cimsim::engine {

class Interconnect : public Arbiter {
 public:
  Interconnect(sc_core::sc_module_name name, int tiles, TraceRecorder& trace);

  // co_await: moves `bits` from node `from` to node `to`; resumes once the last bit has arrived.
  // The receiver takes at least `sink_cycles` per transfer (a narrower port at the far end).
  Wait transfer(int from, int to, std::int64_t bits, int priority, int label, sc_core::sc_event& done,
                std::int64_t sink_cycles = 0);

  int global_buffer_node() const { return tiles_; }
  // Links a transfer crosses (0 within a tile).
  virtual int hops(int from, int to) const = 0;
  virtual int links() const = 0;
  virtual std::int64_t busiest_link_cycles() const = 0;
  std::int64_t link_busy_cycles() const { return busy_; }

 protected:
  int tiles_;
  TraceRecorder& trace_;
  std::int64_t busy_ = 0;
};

class Bus final : public Interconnect {
 public:
  Bus(sc_core::sc_module_name name, int tiles, std::int64_t width_bits, std::int64_t latency_cycles,
      TraceRecorder& trace);
  int hops(int from, int to) const override { return from == to ? 0 : 1; }
  int links() const override { return 1; }
  std::int64_t busiest_link_cycles() const override { return busy_; }

 protected:
  std::int64_t grant(const Request& r, std::int64_t now) override;

 private:
  std::int64_t width_, latency_;
  std::int64_t free_at_ = 0;
  int track_ = 0;
};

// Busy intervals of one link; a reservation takes the earliest gap long enough, so a packet that
// reaches a link first is not queued behind one that only reserved it ahead of time.
class LinkCalendar {
 public:
  // Start of the first free `n`-cycle gap at or after `earliest`; reserves it.
  std::int64_t reserve(std::int64_t earliest, std::int64_t n);
  // Forgets intervals that end at or before `t`.
  void forget_before(std::int64_t t);
  std::int64_t busy_cycles() const { return busy_; }

 private:
  std::map<std::int64_t, std::int64_t> busy_intervals_;  // start -> end, disjoint
  std::int64_t busy_ = 0;
};

class Mesh final : public Interconnect {
 public:
  Mesh(sc_core::sc_module_name name, int tiles, int columns, std::int64_t link_width_bits, std::int64_t hop_cycles,
       TraceRecorder& trace);
  int hops(int from, int to) const override;
  int links() const override { return static_cast<int>(calendars_.size()); }
  std::int64_t busiest_link_cycles() const override;

 protected:
  std::int64_t grant(const Request& r, std::int64_t now) override;

 private:
  std::vector<int> path(int from, int to) const;  // link ids
  std::string link_name(int link) const;
  int columns_, rows_;
  std::int64_t width_, hop_;
  std::vector<LinkCalendar> calendars_;
  std::vector<int> tracks_;
};

std::unique_ptr<Interconnect> make_interconnect(const mapping::Architecture& arch, TraceRecorder& trace);

}  // namespace cimsim::engine
