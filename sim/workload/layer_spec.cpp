#include "sim/workload/layer_spec.hpp"

#include <cerrno>
#include <cstdlib>

#include "sim/config/error.hpp"
#include "sim/util/memory.hpp"

namespace fs = std::filesystem;

namespace cimsim::workload {

using config::ConfigError;
using config::Node;

void LayerSpec::fail(const std::string& k, const std::string& msg) const {
  const Node* n = node_.find(k);
  throw ConfigError(n ? n->where() : node_.where(), key(k), msg);
}

const Node& LayerSpec::need(const std::string& k) const {
  const Node* n = node_.find(k);
  if (!n) throw ConfigError(node_.where(), key(k), "missing key '" + k + "'");
  return *n;
}

std::string LayerSpec::text(const std::string& k) const {
  const Node& n = need(k);
  if (!n.is_scalar()) fail(k, "expected a single value, got " + n.kind_name());
  return n.text();
}

long long LayerSpec::integer(const Node& n, const std::string& k, long long lo, long long hi) const {
  const std::string& t = n.text();
  errno = 0;
  char* end = nullptr;
  const long long v = n.is_scalar() && !t.empty() ? std::strtoll(t.c_str(), &end, 10) : 0;
  if (!n.is_scalar() || t.empty() || end != t.c_str() + t.size())
    throw ConfigError(n.where(), key(k), "expected an integer, got " + (n.is_scalar() ? "'" + t + "'" : n.kind_name()));
  if (errno == ERANGE || v < lo || v > hi)
    throw ConfigError(n.where(), key(k),
                      "value " + t + " is out of range; allowed: " + std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

long long LayerSpec::integer(const std::string& k, long long def, long long lo, long long hi) const {
  const Node* n = node_.find(k);
  return n ? integer(*n, k, lo, hi) : def;
}

std::vector<int> LayerSpec::ints(const std::string& k, std::vector<int> def, std::vector<std::size_t> counts,
                                 long long lo, long long hi) const {
  const Node* n = node_.find(k);
  if (!n) return def;
  if (n->is_scalar()) return std::vector<int>(counts.front(), static_cast<int>(integer(*n, k, lo, hi)));
  if (!n->is_sequence() || std::find(counts.begin() + 1, counts.end(), n->items().size()) == counts.end())
    fail(k, "expected an integer or a list of " + std::to_string(counts.back()) + " integers");
  std::vector<int> out;
  for (const auto& item : n->items()) out.push_back(static_cast<int>(integer(item, k, lo, hi)));
  return out;
}

npy::Array LayerSpec::load_npy(const Node& n, const std::string& full) const {
  if (!n.is_scalar()) throw ConfigError(n.where(), full, "expected a .npy file name");
  const fs::path p = dir_ / n.text();
  std::error_code ec;
  if (!fs::exists(p, ec)) throw ConfigError(n.where(), full, "file not found: " + p.lexically_normal().string());
  npy::Array a = npy::load(p.string());
  for (auto d : a.shape)
    if (d <= 0) throw ConfigError(n.where(), full, p.string() + " holds no values (shape " + a.shape_text() + ")");
  const std::string bad = npy::non_finite(a);
  if (!bad.empty()) throw ConfigError(n.where(), full, p.string() + ": " + bad + "; weights must be finite numbers");
  return a;
}

npy::Array LayerSpec::array(const std::string& k) const { return load_npy(need(k), key(k)); }

Eigen::VectorXd LayerSpec::vector(const Node& map, const std::string& k, std::int64_t size) const {
  const Node* n = map.find(k);
  const std::string full = key("batchnorm." + k);
  if (!n) throw ConfigError(map.where(), full, "expected a .npy file name");
  const npy::Array a = load_npy(*n, full);
  if (a.size() != size)
    throw ConfigError(n->where(), full, "holds " + std::to_string(a.size()) + " values for " + std::to_string(size) + " outputs");
  return Eigen::Map<const Eigen::VectorXd>(a.values.data(), size);
}

void LayerSpec::check_memory(const std::string& k, double bytes, const std::string& what) const {
  const std::string problem = util::memory_problem(bytes);
  if (!problem.empty()) fail(k, what + " " + problem);
}

}  // namespace cimsim::workload
