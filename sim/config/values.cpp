// Scalar config values: a YAML node read as the parameter's type, checked against its range and
// choices, with an error that names the file, the line and the key (loader.cpp reads sections
// through here).

#include "sim/config/values.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "sim/config/suggest.hpp"

namespace fs = std::filesystem;

namespace cimsim::config {

namespace {

bool is_file_origin(const Location& where) {
  return !where.file.empty() && where.file.front() != '<';
}

bool parse_int(const std::string& s, std::int64_t& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  out = v;
  return true;
}

bool parse_float(const std::string& s, double& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool parse_bool(std::string s, bool& out) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "true") out = true;
  else if (s == "false") out = false;
  else return false;
  return true;
}

void check_range(const ParamSpec& p, double v, const Node& n, const std::string& key) {
  const bool low = p.min && (p.min_exclusive ? v <= *p.min : v < *p.min);
  const bool high = p.max && v > *p.max;
  if (low || high)
    throw ConfigError(n.where(), key,
                      "value " + n.text() + " is out of range; allowed: " + p.range_text() +
                          (p.unit.empty() ? "" : " " + p.unit));
}

// What a number key got instead, in the user's terms: `auto` where the key takes none, a quoted
// or misspelt auto where it does.
std::string not_a_number(const ParamSpec& p, const Node& n, const std::string& expected) {
  const std::string want = expected + (p.auto_allowed ? " or auto" : "");
  if (!n.is_scalar()) return "expected " + want + ", got " + n.kind_name();
  std::string lower = n.text();
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!p.auto_allowed && lower == "auto") return "takes no auto: expected " + want;
  if (p.auto_allowed && n.quoted() && n.text() == "auto")
    return "expected " + want + ", got the quoted string 'auto' (write auto without quotes)";
  return "expected " + want + ", got '" + n.text() + "'" + (p.auto_allowed ? did_you_mean(n.text(), {"auto"}) : "");
}

std::int64_t int_of(const ParamSpec& p, const Node& n, const std::string& key) {
  std::int64_t v = 0;
  if (!n.is_scalar() || n.quoted() || !parse_int(n.text(), v))
    throw ConfigError(n.where(), key, not_a_number(p, n, "an integer"));
  check_range(p, static_cast<double>(v), n, key);
  return v;
}

double float_of(const ParamSpec& p, const Node& n, const std::string& key) {
  double v = 0;
  if (!n.is_scalar() || n.quoted() || !parse_float(n.text(), v))
    throw ConfigError(n.where(), key, not_a_number(p, n, "a number"));
  check_range(p, v, n, key);
  return v;
}

const std::vector<Node>& items_of(const Node& n, const std::string& key) {
  if (!n.is_sequence()) throw ConfigError(n.where(), key, "expected a list, got " + n.kind_name());
  return n.items();
}

}  // namespace

// Resolves a path written in a config against the folder of the file it was written in.
fs::path resolve_against(const std::string& written, const Location& where) {
  fs::path p(written);
  if (p.is_relative() && is_file_origin(where)) p = fs::path(where.file).parent_path() / p;
  return fs::absolute(p).lexically_normal();
}

std::string full_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string string_of(const Node& n, const std::string& key) {
  if (!n.is_scalar()) throw ConfigError(n.where(), key, "expected a single value, got " + n.kind_name());
  return n.text();
}

Value convert(const ParamSpec& p, const Node& n, const std::string& key) {
  if (n.is_null()) throw ConfigError(n.where(), key, "has no value");
  if (p.auto_allowed && n.is_scalar() && !n.quoted() && n.text() == "auto") return std::string("auto");
  switch (p.type) {
    case ParamType::Int: return int_of(p, n, key);
    case ParamType::Float: return float_of(p, n, key);
    case ParamType::Bool: {
      bool b = false;
      if (!n.is_scalar() || !parse_bool(n.text(), b))
        throw ConfigError(n.where(), key, "expected true or false, got '" + n.text() + "'");
      return b;
    }
    case ParamType::String: return string_of(n, key);
    case ParamType::Choice: {
      const std::string s = string_of(n, key);
      if (std::find(p.choices.begin(), p.choices.end(), s) == p.choices.end())
        throw ConfigError(n.where(), key,
                          "'" + s + "' is not one of " + p.range_text() + did_you_mean(s, p.choices));
      return s;
    }
    case ParamType::Path: {
      const std::string s = string_of(n, key);
      if (s.empty()) return s;
      const fs::path resolved = resolve_against(s, n.where());
      std::error_code ec;  // a name too long to look up is not found either, not an internal error
      if (p.must_exist && !fs::exists(resolved, ec))
        throw ConfigError(n.where(), key, "file not found: " + resolved.string());
      return resolved.string();
    }
    case ParamType::FloatList: {
      std::vector<double> out;
      for (const auto& item : items_of(n, key)) out.push_back(float_of(p, item, key));
      return out;
    }
    case ParamType::IntList: {
      std::vector<std::int64_t> out;
      for (const auto& item : items_of(n, key)) out.push_back(int_of(p, item, key));
      return out;
    }
    case ParamType::StringList: {
      std::vector<std::string> out;
      for (const auto& item : items_of(n, key)) out.push_back(string_of(item, key));
      return out;
    }
  }
  return std::monostate{};
}

}  // namespace cimsim::config
