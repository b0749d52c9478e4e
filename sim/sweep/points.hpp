#pragma once
// The points of a sweep: each is a list of overrides on the base config, in the order they apply,
// and a stable identity (a hash of those overrides) so that resuming and merging can never count
// a point twice. Expanding checks every point's whole config against the parameter declarations,
// so a bad key or value stops the sweep before anything runs.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep/sweep_file.hpp"

namespace cimsim::sweep {

struct Point {
  std::size_t index = 0;             // position in the sweep, 0-based
  std::vector<Override> overrides;   // fixed sets, varied parameters, repeat seed: as applied
  std::vector<config::Node> values;  // one per varied parameter, in the sweep file's order
  std::int64_t seed = 0;             // run.seed of the point's config
  std::string id;                    // 16 hex digits
};

struct Expansion {
  std::vector<Point> points;
  std::string base_hash;    // the base config's content (includes merged)
  std::string points_hash;  // every point's id: the sweep's identity
};

// All points, each config validated. Throws config::ConfigError for the first bad point. With
// check_workloads, each distinct workload of the points is also checked as `cimsim check` does
// (the network loads, the data fits it), each network loaded once.
Expansion expand(const SweepFile& sweep, bool check_workloads = false);

// Which points a shard runs: point k belongs to shard k mod count.
struct Shard {
  int index = 0, count = 1;
  bool whole() const { return count == 1; }
  bool holds(const Point& p) const { return static_cast<int>(p.index % static_cast<std::size_t>(count)) == index; }
  std::string text() const;  // "" for the whole sweep, else "i/N"
  static Shard parse(const std::string& text);  // "i/N", 0 <= i < N; throws config::InputError
};

// `cimsim run` arguments that run the point alone (from the sweep file's folder), without the
// output and thread options the sweep adds.
std::vector<std::string> run_arguments(const SweepFile& sweep, const Point& point);
// The same as a shell command line, with the `cd` to the sweep file's folder.
std::string run_command(const SweepFile& sweep, const Point& point);
// The point's varied values, for people: "adc.bits=6, cell.sigma_us=0.5".
std::string describe(const SweepFile& sweep, const Point& point);
// The point's overrides as one flow-style YAML map: {adc.bits: 6, run.seed: 2}.
std::string overrides_text(const Point& point);

// 16 hex digits of a 64-bit hash of `text` (FNV-1a folded through SplitMix64).
std::string hash_hex(const std::string& text);

}  // namespace cimsim::sweep
