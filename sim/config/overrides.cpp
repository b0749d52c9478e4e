// Command-line and sweep overrides: `--set a.b.c=value` puts a value at a key path, and naming
// another model or preset there switches the section to it cleanly.

#include <functional>

#include "sim/config/loader.hpp"

namespace cimsim::config {

namespace {

// The declared section at a key path ("cell", "quantization.layers.fc1"), or null.
const SectionSpec* section_at(const std::vector<std::string>& parts) {
  if (parts.empty()) return nullptr;
  const SectionSpec* spec = Schema::global().find(parts[0]);
  for (std::size_t i = 1; spec && i < parts.size(); ++i) {
    if (const SectionSpec* child = spec->find_child(parts[i])) {
      spec = child;
    } else if (const SectionSpec::Keyed* k = spec->find_keyed(parts[i])) {
      if (++i >= parts.size()) return nullptr;  // the map itself, not one of its entries
      spec = k->spec.get();
    } else {
      return nullptr;
    }
  }
  return spec;
}

// `section.model = name` (or `section.preset = name`) where the section held another model or
// preset: the old model's parameters, and the preset or model beside them, go, even where the new
// model has a parameter of the same name, since the value was chosen for the old device; the
// section's own keys stay. Switching a model from the command line or a sweep so gives the new
// model with its own defaults, as a file that names another model does (merge_into).
void switch_model(Node& section, const SectionSpec& spec, const std::string& key, const std::string& name) {
  const Node* old = section.find(key);
  if (old && old->is_scalar() && old->text() == name) return;
  std::vector<std::string> dropped;
  for (const auto& e : section.entries())
    if (e.key != key && !spec.find(e.key) && !spec.find_child(e.key) && !spec.find_keyed(e.key))
      dropped.push_back(e.key);
  for (const auto& k : dropped) section.erase(k);
}

}  // namespace

void set_path(Node& root, const std::string& dotted, Node value, const Location& where) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    parts.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (parts.back().empty()) throw ConfigError(where, dotted, "empty name in the key path");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  Node* cur = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    Node* next = cur->find(parts[i]);
    if (!next) {
      cur->set(parts[i], where, Node::map(where));
      next = cur->find(parts[i]);
    } else if (!next->is_map()) {
      if (!next->is_null())
        throw ConfigError(where, dotted, "'" + parts[i] + "' holds a value, not a section");
      *next = Node::map(where);
    }
    cur = next;
  }
  if ((parts.back() == "model" || parts.back() == "preset") && value.is_scalar())
    if (const SectionSpec* spec = section_at({parts.begin(), parts.end() - 1}))
      if (parts.back() == "preset" ? !spec->preset_dir().empty() : spec->catalog() != nullptr)
        switch_model(*cur, *spec, parts.back(), value.text());
  cur->set(parts.back(), where, std::move(value));
}

void apply_set(Node& root, const std::string& assignment) {
  const Location where{"<command line: --set " + assignment + ">", 0, 0};
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(where, "", "expected --set section.key=value");
  const std::string dotted = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  Node value = load_yaml_text(text, where.file);
  // Every node of the value carries the command-line place, so errors point there.
  std::function<void(Node&)> stamp = [&](Node& n) {
    n.set_where(where);
    for (auto& e : n.entries()) {
      e.key_where = where;
      stamp(e.value);
    }
  };
  if (value.is_map() && value.entries().empty() && text.find_first_not_of(" \t") == std::string::npos)
    value = Node::scalar("", where);
  stamp(value);
  if (value.is_scalar() && value.text().empty() && text.empty())
    throw ConfigError(where, dotted, "has no value");
  set_path(root, dotted, std::move(value), where);
}

}  // namespace cimsim::config
