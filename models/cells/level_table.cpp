#include "models/cells/level_table.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/config/error.hpp"
#include "sim/config/node.hpp"
#include "sim/config/suggest.hpp"

namespace cimsim::models {

namespace {

using config::ConfigError;
using config::Location;

const std::vector<std::string> kColumns = {"g_us", "sigma_us", "nu_mean", "nu_sigma"};

double* field(Level& l, const std::string& name) {
  if (name == "g_us") return &l.g_us;
  if (name == "sigma_us") return &l.sigma_us;
  if (name == "nu_mean") return &l.nu_mean;
  if (name == "nu_sigma") return &l.nu_sigma;
  return nullptr;
}

void check_column_name(const std::string& name, const Location& where) {
  if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end())
    throw ConfigError(where, name,
                      "unknown column; expected g_us, sigma_us, nu_mean, nu_sigma" + config::did_you_mean(name, kColumns));
}

double number(const std::string& text, const std::string& name, const Location& where) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v))
    throw ConfigError(where, name, "expected a number, got '" + text + "'");
  return v;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Splits a CSV line at commas, with the 1-based column where each field starts.
std::vector<std::pair<std::string, int>> split(const std::string& line) {
  std::vector<std::pair<std::string, int>> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string raw = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t lead = raw.find_first_not_of(" \t");
    out.emplace_back(trim(raw), static_cast<int>(start + (lead == std::string::npos ? 0 : lead)) + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void check_levels(const std::vector<Level>& levels, const std::vector<Location>& places, const std::string& path) {
  if (levels.size() < 2) throw ConfigError({path, 0, 0}, "", "a level table needs at least 2 levels");
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const Level& l = levels[i];
    const Location& at = places[i];
    if (l.g_us < 0) throw ConfigError(at, "g_us", "a conductance cannot be negative");
    if (l.sigma_us < 0) throw ConfigError(at, "sigma_us", "a standard deviation cannot be negative");
    if (l.nu_sigma < 0) throw ConfigError(at, "nu_sigma", "a standard deviation cannot be negative");
    if (i > 0 && l.g_us <= levels[i - 1].g_us)
      throw ConfigError(at, "g_us", "levels must ascend strictly in g_us (this one is not above the one before)");
  }
}

std::vector<Level> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError({path, 0, 0}, "", "cannot open file");
  std::vector<std::string> header;
  std::vector<Level> levels;
  std::vector<Location> places;
  std::string line;
  for (int number_of_line = 1; std::getline(in, line); ++number_of_line) {
    const std::string content = trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    const auto fields = split(content);
    const int indent = static_cast<int>(line.find_first_not_of(" \t"));
    if (header.empty()) {
      for (const auto& [name, col] : fields) {
        const Location where{path, number_of_line, col + indent};
        check_column_name(name, where);
        if (std::find(header.begin(), header.end(), name) != header.end())
          throw ConfigError(where, name, "column named twice");
        header.push_back(name);
      }
      for (const char* needed : {"g_us", "sigma_us"})
        if (std::find(header.begin(), header.end(), needed) == header.end())
          throw ConfigError({path, number_of_line, 1}, needed, "the header needs this column");
      continue;
    }
    if (fields.size() != header.size())
      throw ConfigError({path, number_of_line, 1}, "",
                        "expected " + std::to_string(header.size()) + " values (" + std::to_string(header.size()) +
                            " columns in the header), got " + std::to_string(fields.size()));
    Level l;
    for (std::size_t k = 0; k < fields.size(); ++k)
      *field(l, header[k]) = number(fields[k].first, header[k], {path, number_of_line, fields[k].second + indent});
    levels.push_back(l);
    places.push_back({path, number_of_line, 1});
  }
  if (header.empty()) throw ConfigError({path, 0, 0}, "", "empty level table: expected a header line and levels");
  check_levels(levels, places, path);
  return levels;
}

std::vector<Level> read_yaml(const std::string& path) {
  const config::Node root = config::load_yaml_file(path);
  if (!root.is_map()) throw ConfigError(root.where(), "", "expected a map with a 'levels' list");
  for (const auto& e : root.entries())
    if (e.key != "levels") throw ConfigError(e.key_where, e.key, "unknown key" + config::did_you_mean(e.key, {"levels"}));
  const config::Node* list = root.find("levels");
  if (!list) throw ConfigError(root.where(), "levels", "missing: a list of levels");
  if (!list->is_sequence()) throw ConfigError(list->where(), "levels", "expected a list of levels");
  std::vector<Level> levels;
  std::vector<Location> places;
  for (const auto& item : list->items()) {
    if (!item.is_map()) throw ConfigError(item.where(), "levels", "each level is a map (g_us, sigma_us, ...)");
    Level l;
    for (const auto& e : item.entries()) {
      check_column_name(e.key, e.key_where);
      if (!e.value.is_scalar()) throw ConfigError(e.value.where(), e.key, "expected a number");
      *field(l, e.key) = number(e.value.text(), e.key, e.value.where());
    }
    for (const char* needed : {"g_us", "sigma_us"})
      if (!item.find(needed)) throw ConfigError(item.where(), needed, "missing in this level");
    levels.push_back(l);
    places.push_back(item.where());
  }
  check_levels(levels, places, path);
  return levels;
}

}  // namespace

std::vector<Level> read_level_table(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".csv") return read_csv(path);
  if (ext == ".yaml" || ext == ".yml") return read_yaml(path);
  throw ConfigError({path, 0, 0}, "", "a level table is a .csv or a .yaml file, not '" + ext + "'");
}

}  // namespace cimsim::models
