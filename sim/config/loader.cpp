#include "sim/config/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "sim/api/install_layout.hpp"
#include "sim/config/presets.hpp"
#include "sim/config/suggest.hpp"
#include "sim/config/values.hpp"
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
