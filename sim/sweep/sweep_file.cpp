#include "sim/sweep/sweep_file.hpp"

#include <cstdlib>
#include <filesystem>
#include <set>

#include "sim/config/suggest.hpp"
#include "sim/sweep/metrics.hpp"

namespace fs = std::filesystem;

namespace cimsim::sweep {

using config::ConfigError;
using config::Node;

namespace {

// Keys the sweep chooses for each point itself; a sweep file may not set them.
const std::vector<std::string> kDriverKeys = {"run.output_dir", "run.threads", "run.progress"};

// Whether setting one key path touches the other: equal, or one lies inside the other.
bool overlaps(const std::string& a, const std::string& b) {
  auto inside = [](const std::string& inner, const std::string& outer) {
    return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 && inner[outer.size()] == '.';
  };
  return a == b || inside(a, b) || inside(b, a);
}

const std::string& scalar_text(const Node& n, const std::string& key, const std::string& what) {
  if (!n.is_scalar()) throw ConfigError(n.where(), key, "expected " + what + ", got " + n.kind_name());
  return n.text();
}

std::int64_t integer_of(const Node& n, const std::string& key, std::int64_t min) {
  const sql::Cell v = number_in(n, false);
  if (!std::holds_alternative<std::int64_t>(v))
    throw ConfigError(n.where(), key, "expected an integer, got " + (n.is_scalar() ? "'" + n.text() + "'" : n.kind_name()));
  if (std::get<std::int64_t>(v) < min)
    throw ConfigError(n.where(), key, "must be at least " + std::to_string(min) + ", got " + n.text());
  return std::get<std::int64_t>(v);
}

double number_of(const Node& n, const std::string& key) {
  const sql::Cell v = number_in(n, true);
  if (!std::holds_alternative<double>(v))
    throw ConfigError(n.where(), key, "expected a number, got " + (n.is_scalar() ? "'" + n.text() + "'" : n.kind_name()));
  return std::get<double>(v);
}

void check_unknown(const Node& map, const std::vector<std::string>& known, const std::string& prefix,
                   const std::string& where_text) {
  for (const auto& e : map.entries()) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == e.key;
    if (!ok)
      throw ConfigError(e.key_where, prefix + e.key, "unknown key in " + where_text + config::did_you_mean(e.key, known));
  }
}

// A key the sweep may set: not one of the driver's own, not empty.
void check_settable(const std::string& key, const config::Location& where) {
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos)
    throw ConfigError(where, key, "expected a config key such as adc.bits");
  for (const auto& d : kDriverKeys)
    if (overlaps(key, d))
      throw ConfigError(where, key, "the sweep sets " + d + " for each point itself; it cannot be given here");
}

void check_value(const Node& v, const std::string& key) {
  if (v.is_null()) throw ConfigError(v.where(), key, "a value cannot be empty");
}

std::vector<Node> value_list(const Node& n, const std::string& key) {
  if (!n.is_sequence())
    throw ConfigError(n.where(), key, "expected a list of values, e.g. [4, 6, 8], got " + n.kind_name());
  if (n.items().empty()) throw ConfigError(n.where(), key, "has an empty list of values");
  for (const auto& v : n.items()) check_value(v, key);
  return n.items();
}

Distribution range_draw(const Node& n, const std::string& key) {
  static const std::vector<std::string> kinds = {"uniform", "log_uniform", "integers"};
  if (n.entries().size() != 1)
    throw ConfigError(n.where(), key, "expected one of {uniform: [lo, hi]}, {log_uniform: [lo, hi]}, "
                                      "{integers: [lo, hi]} or a list of values");
  const auto& e = n.entries().front();
  check_unknown(n, kinds, key + ".", "a random draw");
  const std::string sub = key + "." + e.key;
  if (!e.value.is_sequence() || e.value.items().size() != 2)
    throw ConfigError(e.value.where(), sub, "expected [lo, hi]");
  Distribution d;
  d.kind = e.key == "uniform" ? Distribution::Kind::Uniform
         : e.key == "log_uniform" ? Distribution::Kind::LogUniform : Distribution::Kind::Integers;
  if (d.kind == Distribution::Kind::Integers) {
    // Bounds within 2^53, where a double holds every integer: a draw then converts back exactly.
    constexpr std::int64_t kExact = std::int64_t{1} << 53;
    for (const Node& bound : e.value.items())
      if (std::llabs(integer_of(bound, sub, -kExact)) > kExact)
        throw ConfigError(bound.where(), sub, "integer bounds must lie within +-2^53 (" + std::to_string(kExact) + ")");
    d.lo = static_cast<double>(integer_of(e.value.items()[0], sub, -kExact));
    d.hi = static_cast<double>(integer_of(e.value.items()[1], sub, -kExact));
    if (d.hi < d.lo) throw ConfigError(e.value.where(), sub, "needs lo <= hi");
  } else {
    d.lo = number_of(e.value.items()[0], sub);
    d.hi = number_of(e.value.items()[1], sub);
    if (!(d.hi > d.lo)) throw ConfigError(e.value.where(), sub, "needs lo < hi");
    if (d.kind == Distribution::Kind::LogUniform && d.lo <= 0)
      throw ConfigError(e.value.where(), sub, "needs 0 < lo");
  }
  return d;
}

Parameter read_parameter(const Node::Entry& e, Mode mode) {
  Parameter p;
  p.key = e.key;
  p.where = e.key_where;
  check_settable(p.key, p.where);
  if (mode == Mode::Random && e.value.is_map()) {
    p.draw = range_draw(e.value, p.key);
  } else {
    p.values = value_list(e.value, p.key);
    p.draw.kind = Distribution::Kind::Choice;
  }
  return p;
}

Mode mode_of(const Node& n) {
  static const std::vector<std::string> names = {"grid", "zip", "random"};
  const std::string& s = scalar_text(n, "mode", "grid, zip or random");
  if (s == "grid") return Mode::Grid;
  if (s == "zip") return Mode::Zip;
  if (s == "random") return Mode::Random;
  throw ConfigError(n.where(), "mode", "'" + s + "' is not one of grid | zip | random" + config::did_you_mean(s, names));
}

// Reads repeat: the seeds go to s.seeds; run.chip_instances comes back as an override. Returns
// the keys repeat sets, with their places, for the overlap check.
std::vector<Override> read_repeat(const Node& n, SweepFile& s) {
  if (!n.is_map()) throw ConfigError(n.where(), "repeat", "expected a map (seeds, chip_instances)");
  check_unknown(n, {"seeds", "chip_instances"}, "repeat.", "repeat");
  std::vector<Override> sets;
  if (const Node::Entry* seeds = n.find_entry("seeds")) {
    const Node& v = seeds->value;
    if (v.is_sequence()) {
      std::set<std::int64_t> seen;
      for (const Node& item : value_list(v, "repeat.seeds"))
        if (!seen.insert(integer_of(item, "repeat.seeds", 0)).second)
          throw ConfigError(item.where(), "repeat.seeds", "seed " + item.text() + " is listed twice");
      s.seeds = v.items();
    } else {
      // A count: seeds 1..N.
      const std::int64_t count = integer_of(v, "repeat.seeds", 1);
      if (count > kMaxPoints)
        throw ConfigError(v.where(), "repeat.seeds", std::to_string(count) + " seeds is more than the " +
                                                         std::to_string(kMaxPoints) + " points a sweep may have");
      for (std::int64_t k = 1; k <= count; ++k) s.seeds.push_back(Node::scalar(std::to_string(k), v.where()));
    }
    sets.push_back({"run.seed", Node(), seeds->key_where});
  }
  if (const Node::Entry* chips = n.find_entry("chip_instances")) {
    integer_of(chips->value, "repeat.chip_instances", 1);
    sets.push_back({"run.chip_instances", chips->value, chips->key_where});
  }
  return sets;
}

void read_random(const Node* n, const config::Location& where, SweepFile& s) {
  if (s.mode != Mode::Random) {
    if (n) throw ConfigError(n->where(), "random", "is only for mode: random");
    return;
  }
  if (!n) throw ConfigError(where, "random", "mode random needs random: {points: N, seed: S}");
  if (!n->is_map()) throw ConfigError(n->where(), "random", "expected a map (points, seed)");
  check_unknown(*n, {"points", "seed"}, "random.", "random");
  const Node* points = n->find("points");
  if (!points) throw ConfigError(n->where(), "random.points", "is required: how many points to draw");
  s.random_points = integer_of(*points, "random.points", 1);
  if (s.random_points > kMaxPoints)
    throw ConfigError(points->where(), "random.points",
                      std::to_string(s.random_points) + " points is more than the " + std::to_string(kMaxPoints) +
                          " a sweep may have; split the study into several sweeps");
  s.random_where = points->where();
  if (const Node* seed = n->find("seed")) s.random_seed = static_cast<std::uint64_t>(integer_of(*seed, "random.seed", 0));
}

// Keys that two parts of the file would both set, where one would silently undo the other.
void check_overlaps(const SweepFile& s, const std::vector<Override>& repeated) {
  for (std::size_t i = 0; i < s.parameters.size(); ++i)
    for (std::size_t j = i + 1; j < s.parameters.size(); ++j)
      if (overlaps(s.parameters[i].key, s.parameters[j].key))
        throw ConfigError(s.parameters[j].where, s.parameters[j].key,
                          "overlaps parameter '" + s.parameters[i].key + "' (line " +
                              std::to_string(s.parameters[i].where.line) + "); vary each key once");
  for (const auto& r : repeated) {
    const std::string also = "is also set by repeat (line " + std::to_string(r.where.line) + ")";
    for (const auto& p : s.parameters)
      if (overlaps(p.key, r.key)) throw ConfigError(p.where, p.key, also);
    for (const auto& f : s.fixed)
      if (overlaps(f.key, r.key)) throw ConfigError(f.where, f.key, also);
  }
}

}  // namespace

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Grid: return "grid";
    case Mode::Zip: return "zip";
    case Mode::Random: return "random";
  }
  return "?";
}

std::string SweepFile::folder() const { return fs::absolute(path).lexically_normal().parent_path().string(); }

SweepFile read_sweep_file(const std::string& path) {
  // The error_code forms: a name the system cannot even look up (too long, say) is not found too.
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ConfigError({path, 0, 0}, "", "sweep file not found");
  const Node root = config::load_yaml_file(path);
  if (!root.is_map())
    throw ConfigError(root.where(), "", "a sweep file must be a map (base, mode, parameters, ...), not " +
                                            root.kind_name());
  check_unknown(root, {"base", "mode", "parameters", "set", "repeat", "random", "store"}, "", "the sweep file");
  SweepFile s;
  s.path = path;

  const Node::Entry* base = root.find_entry("base");
  if (!base) throw ConfigError(root.where(), "base", "is required: the config file every point starts from");
  const fs::path written(scalar_text(base->value, "base", "a config file name"));
  const fs::path resolved = (written.is_relative() ? fs::path(s.folder()) / written : written).lexically_normal();
  if (!fs::is_regular_file(resolved, ec))
    throw ConfigError(base->value.where(), "base", "config file not found: " + resolved.string());
  s.base = resolved.string();
  s.base_where = base->value.where();

  if (const Node* mode = root.find("mode")) s.mode = mode_of(*mode);

  if (const Node* set = root.find("set")) {
    if (!set->is_map()) throw ConfigError(set->where(), "set", "expected a map from config keys to values");
    for (const auto& e : set->entries()) {
      check_settable(e.key, e.key_where);
      check_value(e.value, e.key);
      s.fixed.push_back({e.key, e.value, e.key_where});
    }
  }

  const Node::Entry* params = root.find_entry("parameters");
  if (!params) throw ConfigError(root.where(), "parameters", "is required: the config keys to vary and their values");
  if (!params->value.is_map() || params->value.entries().empty())
    throw ConfigError(params->value.is_null() ? params->key_where : params->value.where(), "parameters",
                      "expected a map from config keys to lists of values, with at least one key");
  for (const auto& e : params->value.entries()) s.parameters.push_back(read_parameter(e, s.mode));

  if (s.mode == Mode::Zip) {
    const Parameter& first = s.parameters.front();
    for (const auto& p : s.parameters)
      if (p.values.size() != first.values.size())
        throw ConfigError(p.where, p.key,
                          "has " + std::to_string(p.values.size()) + " values but '" + first.key + "' (line " +
                              std::to_string(first.where.line) + ") has " + std::to_string(first.values.size()) +
                              "; zip needs lists of equal length");
  }

  std::vector<Override> repeated;
  if (const Node* repeat = root.find("repeat")) repeated = read_repeat(*repeat, s);
  check_overlaps(s, repeated);
  for (const auto& r : repeated)
    if (r.key == "run.chip_instances") s.fixed.push_back(r);
  read_random(root.find("random"), root.where(), s);
  if (const Node* store = root.find("store")) s.store = scalar_text(*store, "store", "a file name");
  return s;
}

}  // namespace cimsim::sweep
