#include "sim/config/loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "sim/api/install_layout.hpp"
#include "sim/config/suggest.hpp"
#include "sim/util/read_file.hpp"

namespace fs = std::filesystem;

namespace cimsim::config {

namespace {

constexpr std::size_t kMaxIncludeDepth = 32;
constexpr std::uint64_t kMaxConfigBytes = 16u << 20;

PluginHook& plugin_hook() {
  static PluginHook hook;
  return hook;
}

bool is_file_origin(const Location& where) {
  return !where.file.empty() && where.file.front() != '<';
}

// Resolves a path written in a config against the folder of the file it was written in.
fs::path resolve_against(const std::string& written, const Location& where) {
  fs::path p(written);
  if (p.is_relative() && is_file_origin(where)) p = fs::path(where.file).parent_path() / p;
  return fs::absolute(p).lexically_normal();
}

std::vector<std::string> scalar_list(const Node& n, const std::string& key) {
  std::vector<std::string> out;
  if (n.is_scalar()) {
    out.push_back(n.text());
  } else if (n.is_sequence()) {
    for (const auto& item : n.items()) {
      if (!item.is_scalar()) throw ConfigError(item.where(), key, "expected a file name");
      out.push_back(item.text());
    }
  } else {
    throw ConfigError(n.where(), key, "expected a file name or a list of file names");
  }
  return out;
}

// Every config file, the main one and each include, is read through here; `from` is where it
// was named (an include line), so that a bad include is reported there.
Node read_included(const std::string& path, const Location& from, std::vector<std::string>& stack) {
  const std::string canonical = fs::absolute(path).lexically_normal().string();
  if (std::find(stack.begin(), stack.end(), canonical) != stack.end())
    throw ConfigError(from, "include", "file includes itself (through " + stack.back() + ")");
  if (stack.size() >= kMaxIncludeDepth)
    throw ConfigError(from, "include", "includes nested more than " + std::to_string(kMaxIncludeDepth) + " deep");
  if (!stack.empty()) {
    const std::string problem = util::input_file_problem(path, kMaxConfigBytes);
    if (!problem.empty()) throw ConfigError(from, "include", path + " " + problem);
  }
  stack.push_back(canonical);
  Node self = load_yaml_file(path);
  if (!self.is_map())
    throw ConfigError(self.where(), "", "a config file must be a map of sections, not " + self.kind_name());
  Node result = Node::map(self.where());
  if (const Node::Entry* inc = self.find_entry("include")) {
    for (const auto& file : scalar_list(inc->value, "include")) {
      const fs::path target = resolve_against(file, inc->value.where());
      merge_into(result, read_included(target.string(), inc->value.where(), stack));
    }
    self.erase("include");
  }
  merge_into(result, self);
  stack.pop_back();
  return result;
}

// --- values -----------------------------------------------------------------------------

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

std::string full_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
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

std::string string_of(const Node& n, const std::string& key) {
  if (!n.is_scalar()) throw ConfigError(n.where(), key, "expected a single value, got " + n.kind_name());
  return n.text();
}

const std::vector<Node>& items_of(const Node& n, const std::string& key) {
  if (!n.is_sequence()) throw ConfigError(n.where(), key, "expected a list, got " + n.kind_name());
  return n.items();
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

// --- presets ----------------------------------------------------------------------------

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

// --- validation ---------------------------------------------------------------------------

std::vector<std::string> valid_keys(const SectionSpec& spec, const SectionSpec* model) {
  std::vector<std::string> keys;
  for (const auto& p : spec.params()) keys.push_back(p.name);
  if (model)
    for (const auto& p : model->params()) keys.push_back(p.name);
  for (const auto& c : spec.children()) keys.push_back(c.name());
  for (const auto& k : spec.keyed_maps()) keys.push_back(k.name);
  if (spec.catalog()) keys.push_back("model");
  if (!spec.preset_dir().empty()) keys.push_back("preset");
  return keys;
}

Params validate_section(const Node& raw, const SectionSpec& spec, const std::string& path,
                        const Location& section_where, const std::vector<std::string>& roots) {
  if (!raw.is_null() && !raw.is_map())
    throw ConfigError(raw.where(), path, "expected a map of parameters, got " + raw.kind_name());
  std::vector<std::string> chain;
  const Node node = raw.is_map() ? expand_presets(raw, spec, path, roots, chain) : Node::map(section_where);
  Params out(&spec, path, raw.is_map() ? raw.where() : section_where);

  const SectionSpec* model = nullptr;
  if (const ModelCatalog* catalog = spec.catalog()) {
    std::string name = spec.default_model();
    Location where = Location::builtin_default();
    if (const Node* m = node.find("model")) {
      name = string_of(*m, full_key(path, "model"));
      where = m->where();
    }
    model = catalog->model_spec(name);
    if (!model) {
      const auto names = catalog->model_names();
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw ConfigError(where, full_key(path, "model"),
                        "no model '" + name + "' is registered" + did_you_mean(name, names) +
                            "; registered: " + list);
    }
    out.set_model(name, model);
  }

  std::set<std::string> seen;
  for (const auto& e : node.entries()) {
    const std::string key = full_key(path, e.key);
    if (e.key == "model" && spec.catalog()) continue;
    const ParamSpec* p = spec.find(e.key);
    if (!p && model) p = model->find(e.key);
    if (p) {
      // An empty value is reported at its key: YAML places the missing value after the line.
      if (e.value.is_null()) throw ConfigError(e.key_where, key, "has no value");
      out.set(e.key, convert(*p, e.value, key), e.value.where(), true);
      seen.insert(e.key);
      continue;
    }
    if (const SectionSpec* child = spec.find_child(e.key)) {
      out.add_child(e.key, validate_section(e.value, *child, key, e.key_where, roots));
      seen.insert(e.key);
      continue;
    }
    if (const SectionSpec::Keyed* k = spec.find_keyed(e.key)) {
      if (!e.value.is_map() && !e.value.is_null())
        throw ConfigError(e.value.where(), key, "expected a map from names to sections");
      std::vector<std::pair<std::string, Params>> entries;
      for (const auto& sub : e.value.entries())
        entries.emplace_back(sub.key, validate_section(sub.value, *k->spec, full_key(key, sub.key),
                                                       sub.key_where, roots));
      out.add_keyed(e.key, std::move(entries));
      seen.insert(e.key);
      continue;
    }
    std::string where_text = path.empty() ? "the top level" : "section '" + path + "'";
    if (model) where_text += " (model '" + out.model() + "')";
    throw ConfigError(e.key_where, key,
                      "unknown key in " + where_text + did_you_mean(e.key, valid_keys(spec, model)));
  }

  auto fill = [&](const SectionSpec& s) {
    for (const auto& p : s.params()) {
      if (seen.count(p.name)) continue;
      if (p.required)
        throw ConfigError(out.where(), full_key(path, p.name), "is required (" + p.help + ")");
      if (!spec.is_sparse()) out.set(p.name, p.default_value, Location::builtin_default(), false);
    }
  };
  fill(spec);
  if (model) fill(*model);
  for (const auto& c : spec.children())
    if (!seen.count(c.name()))
      out.add_child(c.name(), validate_section(Node(), c, full_key(path, c.name()), out.where(), roots));
  for (const auto& k : spec.keyed_maps())
    if (!seen.count(k.name)) out.add_keyed(k.name, {});
  return out;
}

}  // namespace

void set_plugin_hook(PluginHook hook) { plugin_hook() = std::move(hook); }

std::vector<std::string> preset_search_path(const std::vector<std::string>& extra) {
  std::vector<std::string> roots = extra;
  if (const char* env = std::getenv("CIMSIM_PRESET_PATH")) {
    std::string s(env);
    std::size_t start = 0;
    while (start <= s.size()) {
      const std::size_t end = s.find(':', start);
      const std::string part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!part.empty()) roots.push_back(part);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  roots.push_back(api::shipped_configs_dir());
  return roots;
}

Node read_with_includes(const std::string& path) {
  std::vector<std::string> stack;
  const std::string problem = util::input_file_problem(path, kMaxConfigBytes);
  if (!problem.empty()) throw ConfigError({path, 0, 0}, "", problem == "file not found" ? "config file not found" : problem);
  Node root = read_included(path, {path, 0, 0}, stack);
  if (root.entries().empty())
    throw ConfigError({path, 0, 0}, "",
                      "the config is empty; it needs at least workload.network (configs/default.yaml is a "
                      "complete example)");
  return root;
}

Config validate(const Node& root, const std::vector<std::string>& preset_roots) {
  if (!root.is_map())
    throw ConfigError(root.where(), "", "a config must be a map of sections, not " + root.kind_name());
  const Schema& schema = Schema::global();

  Config config;
  if (const Node::Entry* plugins = root.find_entry("plugins")) {
    for (const auto& item : plugins->value.is_sequence() ? plugins->value.items()
                                                         : std::vector<Node>{plugins->value}) {
      if (!item.is_scalar()) throw ConfigError(item.where(), "plugins", "expected a library path");
      if (!plugin_hook())
        throw ConfigError(item.where(), "plugins", "this build cannot load plugins");
      const std::string library = resolve_against(item.text(), item.where()).string();
      plugin_hook()(library, item.where());
      config.add_plugin(library);
    }
  }

  std::vector<std::string> top_keys = schema.names();
  top_keys.push_back("include");
  top_keys.push_back("plugins");
  for (const auto& e : root.entries()) {
    if (e.key == "plugins" || e.key == "include") continue;
    // The `sram` section's figures for every buffer gave way to a memory technology per buffer.
    if (e.key == "sram" && !schema.find(e.key))
      throw ConfigError(e.key_where, e.key,
                        "section retired: give each buffer a technology in tile_buffer and global_buffer; to pin "
                        "figures use `model: table` (e.g. `preset: isaac_edram`)");
    if (!schema.find(e.key))
      throw ConfigError(e.key_where, e.key, "unknown section" + did_you_mean(e.key, top_keys));
  }

  config.set_source(root.where().file);
  for (const auto& spec : schema.sections()) {
    const Node::Entry* e = root.find_entry(spec->name());
    const Node raw = e ? e->value : Node();
    // A section the config leaves out is the config's to answer for: a required key in it is
    // reported at the config file.
    const Location where = e ? e->key_where : Location{root.where().file, 0, 0};
    config.add_section(spec->name(), validate_section(raw, *spec, spec->name(), where, preset_roots));
  }
  return config;
}

namespace {
Config finish(Node root, const LoadOptions& options) {
  for (const auto& s : options.sets) apply_set(root, s);
  return validate(root, preset_search_path(options.preset_roots));
}
}  // namespace

Config load_config(const std::string& path, const LoadOptions& options) {
  Config c = finish(read_with_includes(path), options);
  c.set_source(fs::absolute(path).lexically_normal().string());
  return c;
}

Config load_config_text(const std::string& yaml, const std::string& origin, const LoadOptions& options) {
  Node root = load_yaml_text(yaml, origin);
  if (!root.is_map())
    throw ConfigError(root.where(), "", "a config must be a map of sections, not " + root.kind_name());
  if (root.find("include")) throw ConfigError(root.find_entry("include")->key_where, "include",
                                              "include needs a config file, not text");
  return finish(std::move(root), options);
}

}  // namespace cimsim::config
