#include "sim/sweep/points.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "sim/config/loader.hpp"
#include "sim/run/preflight.hpp"
#include "sim/util/rng.hpp"
#include "sim/workload/load_network.hpp"

namespace cimsim::sweep {

using config::ConfigError;
using config::Node;

namespace {

using Combo = std::vector<Node>;  // one value per varied parameter

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::vector<Combo> grid(const SweepFile& s) {
  std::size_t total = 1;
  for (const auto& p : s.parameters) {
    std::map<std::string, const Node*> seen;
    for (const auto& v : p.values) {
      const auto [it, fresh] = seen.emplace(config::to_flow_yaml(v), &v);
      if (!fresh)
        throw ConfigError(v.where(), p.key, "value " + it->first + " is listed twice (first at line " +
                                                std::to_string(it->second->where().line) + ")");
    }
    total *= p.values.size();
    if (total * std::max<std::size_t>(1, s.seeds.size()) > static_cast<std::size_t>(kMaxPoints))
      throw ConfigError(p.where, p.key, "the grid has more than " + std::to_string(kMaxPoints) + " points" +
                                            (s.seeds.empty() ? "" : " with its repeats"));
  }
  std::vector<Combo> out;
  out.reserve(total);
  std::vector<std::size_t> pick(s.parameters.size(), 0);
  for (std::size_t k = 0; k < total; ++k) {
    Combo c;
    for (std::size_t i = 0; i < pick.size(); ++i) c.push_back(s.parameters[i].values[pick[i]]);
    out.push_back(std::move(c));
    // The last parameter varies fastest, as in nested loops written in the file's order.
    for (std::size_t i = pick.size(); i-- > 0;) {
      if (++pick[i] < s.parameters[i].values.size()) break;
      pick[i] = 0;
    }
  }
  return out;
}

std::vector<Combo> zip(const SweepFile& s) {
  std::vector<Combo> out;
  for (std::size_t k = 0; k < s.parameters.front().values.size(); ++k) {
    Combo c;
    for (const auto& p : s.parameters) c.push_back(p.values[k]);
    out.push_back(std::move(c));
  }
  return out;
}

Node draw(const Parameter& p, const rng::Stream& stream, std::uint64_t k) {
  const double u = stream.uniform(k);  // in (0, 1)
  const Distribution& d = p.draw;
  switch (d.kind) {
    case Distribution::Kind::Choice: {
      const auto n = p.values.size();
      return p.values[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
    }
    case Distribution::Kind::Uniform:
      return Node::scalar(fmt::format("{}", d.lo + u * (d.hi - d.lo)), p.where);
    case Distribution::Kind::LogUniform:
      return Node::scalar(fmt::format("{}", std::exp(std::log(d.lo) + u * (std::log(d.hi) - std::log(d.lo)))),
                          p.where);
    case Distribution::Kind::Integers: {
      const double v = std::min(d.hi, d.lo + std::floor(u * (d.hi - d.lo + 1)));
      return Node::scalar(std::to_string(static_cast<long long>(v)), p.where);
    }
  }
  return Node();
}

// Draws until random.points distinct points exist. Each parameter has its own stream, keyed by
// its name, so adding a parameter leaves the others' draws as they were.
std::vector<Combo> random(const SweepFile& s) {
  std::vector<rng::Stream> streams;
  for (const auto& p : s.parameters)
    streams.push_back(rng::Stream(s.random_seed, rng::Purpose::Sampling, {fnv1a(p.key)}));
  const auto wanted = static_cast<std::size_t>(s.random_points);
  const std::uint64_t max_draws = 100 * static_cast<std::uint64_t>(wanted) + 1000;
  std::vector<Combo> out;
  std::set<std::string> seen;
  for (std::uint64_t k = 0; out.size() < wanted; ++k) {
    if (k == max_draws)
      throw ConfigError(s.random_where, "random.points",
                        "found only " + std::to_string(out.size()) + " distinct points in " +
                            std::to_string(max_draws) + " draws; the parameters' ranges hold fewer points than asked");
    Combo c;
    std::string key;
    for (std::size_t i = 0; i < s.parameters.size(); ++i) {
      c.push_back(draw(s.parameters[i], streams[i], k));
      key += config::to_flow_yaml(c.back()) + "\n";
    }
    if (seen.insert(key).second) out.push_back(std::move(c));
  }
  return out;
}

std::string identity_text(const Point& p) {
  std::string text;
  for (const auto& o : p.overrides) text += o.key + "=" + config::to_flow_yaml(o.value) + "\n";
  return text;
}

// Runs `check` on point p; a mistake placed in the sweep file speaks for itself, one placed
// elsewhere (the base, a preset, a data file) only shows up with this point's values, so name them.
template <class Check>
auto for_point(const SweepFile& s, const Point& p, Check&& check) {
  const std::string context = " (in sweep point " + std::to_string(p.index) + ": " + describe(s, p) + ", from " + s.path + ")";
  try {
    return check();
  } catch (const ConfigError& e) {
    if (e.where().file == s.path) throw;
    throw ConfigError(e.where(), e.key(), e.message() + context);
  } catch (const config::InputError& e) {
    throw config::InputError(e.what() + context);
  }
}

config::Config validate_point(const SweepFile& s, const Node& base, const Point& p,
                              const std::vector<std::string>& roots) {
  Node root = base;
  for (const auto& o : p.overrides) config::set_path(root, o.key, o.value, o.where);
  return for_point(s, p, [&] { return config::validate(root, roots); });
}

// Checks each distinct workload of a sweep once, loading each network once.
class WorkloadChecks {
 public:
  void check(const SweepFile& s, const Point& p, const config::Config& c) {
    const std::string key = config::to_flow_yaml(c.section("workload").to_node()) + "|" +
                            std::to_string(c.section("run").integer("batch_size"));
    if (!checked_.insert(key).second) return;
    for_point(s, p, [&] {
      const std::string& path = c.section("workload").text("network");
      auto it = networks_.find(path);
      if (it == networks_.end()) it = networks_.emplace(path, workload::load_network(path)).first;
      run::check_workload(c, it->second);
    });
  }

 private:
  std::set<std::string> checked_;
  std::map<std::string, workload::Network> networks_;
};

std::string shell_quote(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789_./=:,+-@%") == std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string describe(const SweepFile& s, const Point& p) {
  std::string out;
  for (std::size_t i = 0; i < p.values.size(); ++i)
    out += (i ? ", " : "") + s.parameters[i].key + "=" + config::to_flow_yaml(p.values[i]);
  if (!s.seeds.empty()) out += ", run.seed=" + config::to_flow_yaml(p.overrides.back().value);
  return out;
}

std::string hash_hex(const std::string& text) { return fmt::format("{:016x}", rng::mix64(fnv1a(text))); }

Expansion expand(const SweepFile& s, bool check_workloads) {
  const Node base = config::read_with_includes(s.base);
  if (s.mode == Mode::Random &&
      s.random_points * static_cast<std::int64_t>(std::max<std::size_t>(1, s.seeds.size())) > kMaxPoints)
    throw ConfigError(s.random_where, "random.points",
                      "with its repeats the sweep has more than " + std::to_string(kMaxPoints) + " points");
  const std::vector<Combo> combos = s.mode == Mode::Grid ? grid(s) : s.mode == Mode::Zip ? zip(s) : random(s);
  const std::vector<Node> seeds = s.seeds.empty() ? std::vector<Node>{Node()} : s.seeds;
  if (combos.size() * seeds.size() > static_cast<std::size_t>(kMaxPoints))
    throw ConfigError(s.parameters.front().where, s.parameters.front().key,
                      "with its repeats the sweep has more than " + std::to_string(kMaxPoints) + " points");
  const auto roots = config::preset_search_path();

  Expansion out;
  WorkloadChecks workloads;
  std::map<std::string, std::size_t> ids;
  for (const auto& combo : combos) {
    for (const auto& seed : seeds) {
      Point p;
      p.index = out.points.size();
      p.overrides = s.fixed;
      for (std::size_t i = 0; i < combo.size(); ++i)
        p.overrides.push_back({s.parameters[i].key, combo[i], s.parameters[i].where});
      if (!seed.is_null()) p.overrides.push_back({"run.seed", seed, seed.where()});
      p.values = combo;
      p.id = hash_hex(identity_text(p));
      const auto [it, fresh] = ids.emplace(p.id, p.index);
      if (!fresh)
        throw ConfigError(s.parameters.front().where, s.parameters.front().key,
                          "points " + std::to_string(it->second) + " and " + std::to_string(p.index) +
                              " are the same (" + describe(s, p) + "); each point must differ");
      const config::Config c = validate_point(s, base, p, roots);
      if (check_workloads) workloads.check(s, p, c);
      p.seed = c.section("run").integer("seed");
      out.points.push_back(std::move(p));
    }
  }
  std::vector<std::string> sorted;
  for (const auto& p : out.points) sorted.push_back(p.id);
  std::sort(sorted.begin(), sorted.end());
  std::string all;
  for (const auto& id : sorted) all += id + "\n";
  out.points_hash = hash_hex(all);
  out.base_hash = hash_hex(config::to_yaml(base));
  return out;
}

std::string Shard::text() const { return whole() ? "" : std::to_string(index) + "/" + std::to_string(count); }

Shard Shard::parse(const std::string& text) {
  const auto slash = text.find('/');
  Shard s;
  try {
    std::size_t used_i = 0, used_n = 0;
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    s.index = std::stoi(text.substr(0, slash), &used_i);
    s.count = std::stoi(text.substr(slash + 1), &used_n);
    if (used_i != slash || used_n != text.size() - slash - 1) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw config::InputError("--shard: expected I/N (e.g. 0/4), got '" + text + "'");
  }
  if (s.count < 1 || s.index < 0 || s.index >= s.count)
    throw config::InputError("--shard " + text + ": needs N >= 1 and 0 <= I < N");
  return s;
}

std::vector<std::string> run_arguments(const SweepFile& s, const Point& p) {
  std::vector<std::string> args = {"run", s.base};
  for (const auto& o : p.overrides) {
    args.push_back("--set");
    args.push_back(o.key + "=" + config::to_flow_yaml(o.value));
  }
  return args;
}

std::string run_command(const SweepFile& s, const Point& p) {
  std::string cmd = "cd " + shell_quote(s.folder()) + " && cimsim";
  for (const auto& a : run_arguments(s, p)) cmd += " " + shell_quote(a);
  return cmd;
}

std::string overrides_text(const Point& p) {
  Node map = Node::map({});
  for (const auto& o : p.overrides) map.set(o.key, o.where, o.value);
  return config::to_flow_yaml(map);
}

}  // namespace cimsim::sweep
