#include "sim/sweep/metrics.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace cimsim::sweep {

using config::Node;

namespace {

bool is_quantity(const Node& n) {
  return n.is_map() && n.entries().size() == 2 && n.find("value") && n.find("unit") && n.find("unit")->is_scalar();
}

void walk(const Node& n, const std::string& path, std::vector<Metric>& out) {
  if (is_quantity(n)) {
    // A quantity whose value is null (not finite) is still a column, with no value.
    out.push_back({path, number_in(*n.find("value"), true), n.find("unit")->text()});
    return;
  }
  if (n.is_map()) {
    for (const auto& e : n.entries()) walk(e.value, path.empty() ? e.key : path + "." + e.key, out);
    return;
  }
  const sql::Cell v = number_in(n, false);
  if (!std::holds_alternative<std::monostate>(v)) out.push_back({path, v, ""});
}

}  // namespace

sql::Cell number_in(const Node& n, bool as_real) {
  if (!n.is_scalar() || n.quoted()) return std::monostate{};
  const std::string& s = n.text();
  if (s.empty()) return std::monostate{};
  char* end = nullptr;
  errno = 0;
  if (!as_real && s.find_first_of(".eE") == std::string::npos) {
    const long long i = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && end == s.c_str() + s.size()) return static_cast<std::int64_t>(i);
  }
  errno = 0;
  const double d = std::strtod(s.c_str(), &end);
  if (errno == 0 && end == s.c_str() + s.size() && std::isfinite(d)) return d;
  return std::monostate{};
}

// JSON is YAML, so the config loader reads reports too; numbers come back as their text, which
// was printed shortest-round-trip and so parses back to the same double.
std::vector<Metric> report_metrics(const std::string& json_text, const std::string& origin) {
  Node root;
  try {
    root = config::load_yaml_text(json_text, origin);
  } catch (const config::ConfigError& e) {
    throw config::InputError(origin + ": error: not a readable report: " + e.message());
  }
  if (!root.is_map() || !root.find("accuracy"))
    throw config::InputError(origin + ": error: not a cimsim report (no accuracy section)");
  std::vector<Metric> out;
  walk(root, "", out);
  return out;
}

}  // namespace cimsim::sweep
