// Presets: a section's `preset: name` replaced by the named file from the preset folders, the
// section's own keys laid over it (loader.cpp validates the result).

#include "sim/config/presets.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "sim/config/suggest.hpp"
#include "sim/config/values.hpp"

namespace fs = std::filesystem;

namespace cimsim::config {

namespace {

bool is_preset_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.') return false;
  return true;
}

std::vector<std::string> available_presets(const SectionSpec& spec, const std::vector<std::string>& roots) {
  std::set<std::string> names;
  for (const auto& root : roots) {
    const fs::path dir = fs::path(root) / spec.preset_dir();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& f : fs::directory_iterator(dir, ec))
      if (f.path().extension() == ".yaml") names.insert(f.path().stem().string());
  }
  return {names.begin(), names.end()};
}

}  // namespace

Node expand_presets(const Node& node, const SectionSpec& spec, const std::string& path,
                    const std::vector<std::string>& roots, std::vector<std::string>& chain) {
  const Node::Entry* preset = node.is_map() ? node.find_entry("preset") : nullptr;
  if (!preset) return node;
  const std::string key = full_key(path, "preset");
  if (spec.preset_dir().empty())
    throw ConfigError(preset->key_where, key, "section '" + path + "' has no presets");
  const std::string name = string_of(preset->value, key);
  // A preset is a file name in a preset folder, nothing else: no folders, no way out of them.
  if (!is_preset_name(name))
    throw ConfigError(preset->value.where(), key,
                      "'" + name + "' is not a preset name; a preset is named by its file in " + spec.preset_dir() +
                          "/ without .yaml (letters, digits, '_', '-', '.'; no folders)");
  fs::path file;
  for (const auto& root : roots) {
    const fs::path candidate = fs::path(root) / spec.preset_dir() / (name + ".yaml");
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      file = candidate;
      break;
    }
  }
  if (file.empty()) {
    const auto names = available_presets(spec, roots);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw ConfigError(preset->value.where(), key,
                      "no preset '" + name + "' for section '" + path + "'" + did_you_mean(name, names) +
                          "; available: " + (list.empty() ? "none" : list));
  }
  if (std::find(chain.begin(), chain.end(), file.string()) != chain.end())
    throw ConfigError(preset->value.where(), key, "preset refers back to itself: " + file.string());
  chain.push_back(file.string());
  Node base = load_yaml_file(file.string());
  if (!base.is_map())
    throw ConfigError(base.where(), path, "a preset file must be a map of parameters");
  base = expand_presets(base, spec, path, roots, chain);
  chain.pop_back();
  Node over = node;
  over.erase("preset");
  merge_into(base, over);
  return base;
}

}  // namespace cimsim::config
