#pragma once
// From files and command-line overrides to a validated Config:
//   read the file, with `include:` fragments underneath it;
//   apply each `--set a.b.c=value`;
//   expand `preset:` in every section that has presets;
//   check every key, type and range against the declared specs and fill defaults.

#include <functional>
#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/config/params.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::config {

struct LoadOptions {
  std::vector<std::string> sets;          // "a.b.c=value", applied in order, last wins
  std::vector<std::string> preset_roots;  // searched before the built-in ones
};

Config load_config(const std::string& path, const LoadOptions& options = {});
// For tests and scripts: the YAML comes as text; `origin` names it in errors.
Config load_config_text(const std::string& yaml, const std::string& origin,
                        const LoadOptions& options = {});

// The steps, for tools that need them one by one (sweeps reuse them).
Node read_with_includes(const std::string& path);
void apply_set(Node& root, const std::string& assignment);
// Puts `value` at the dotted key path ("adc.bits"), creating sections on the way; `where` is the
// place the key was written, kept for errors.
void set_path(Node& root, const std::string& dotted, Node value, const Location& where);
Config validate(const Node& root, const std::vector<std::string>& preset_roots);

// Where presets are looked up: `extra`, then $CIMSIM_PRESET_PATH (':'-separated), then the
// project's configs/ folder.
std::vector<std::string> preset_search_path(const std::vector<std::string>& extra = {});

// Top-level `plugins:` entries are handed to this hook before validation, so that the models
// they register are known when sections are checked. Set by the plugin loader.
using PluginHook = std::function<void(const std::string& path, const Location& where)>;
void set_plugin_hook(PluginHook hook);

}  // namespace cimsim::config
