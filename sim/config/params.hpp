#pragma once
// Validated configuration values, with the place each one came from.

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/config/error.hpp"
#include "sim/config/node.hpp"
#include "sim/config/spec.hpp"

namespace cimsim::config {

class Params {
 public:
  Params() = default;
  Params(const SectionSpec* spec, std::string path, Location where)
      : spec_(spec), path_(std::move(path)), where_(std::move(where)) {}

  // Dotted path of this section in the config ("adc", "quantization.layers.fc1").
  const std::string& path() const { return path_; }
  const SectionSpec& spec() const { return *spec_; }
  // The model picked by `model:`, or "" where the section has no models.
  const std::string& model() const { return model_; }
  const SectionSpec* model_spec() const { return model_spec_; }
  // Where the section itself was written (its first key), or "<default>".
  const Location& where() const { return where_; }

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  // The value is `auto` (declared or_auto()): the run chooses it.
  bool is_auto(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  double real(const std::string& key) const;
  bool flag(const std::string& key) const;
  // String, Choice and Path values. Paths are absolute, resolved against the file that set them.
  const std::string& text(const std::string& key) const;
  const std::vector<double>& reals(const std::string& key) const;
  const std::vector<std::int64_t>& integers(const std::string& key) const;
  const std::vector<std::string>& texts(const std::string& key) const;
  const Value& value(const std::string& key) const;
  const Location& where(const std::string& key) const;
  // Whether the value was written by the user (in a file, a preset or --set), not a default.
  bool given(const std::string& key) const;

  // A check that needs more than one parameter failed: report it at `key`'s place.
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // The section as a whole is wrong (e.g. a keyed entry names nothing): report it where it starts.
  [[noreturn]] void fail_section(const std::string& message) const;

  const Params& child(const std::string& name) const;
  // Entries of a keyed map, in the order written.
  const std::vector<std::pair<std::string, Params>>& keyed(const std::string& name) const;

  // The values as YAML (resolved config); each parameter's unit and help ride as comments in
  // describe, not here, so that the output stays valid input.
  Node to_node() const;

  // Building (used by the validator).
  void set_model(std::string model, const SectionSpec* spec) {
    model_ = std::move(model);
    model_spec_ = spec;
  }
  void set(const std::string& key, Value v, Location where, bool given);
  void add_child(const std::string& name, Params p) { children_.emplace_back(name, std::move(p)); }
  void add_keyed(const std::string& name, std::vector<std::pair<std::string, Params>> entries) {
    keyed_.emplace_back(name, std::move(entries));
  }

 private:
  const ParamSpec* param_spec(const std::string& key) const;
  template <class T>
  const T& get(const std::string& key, const char* want) const;

  const SectionSpec* spec_ = nullptr;
  const SectionSpec* model_spec_ = nullptr;
  std::string path_;
  Location where_;
  std::string model_;
  std::map<std::string, Value> values_;
  std::map<std::string, Location> places_;
  std::map<std::string, bool> given_;
  std::vector<std::string> order_;
  std::vector<std::pair<std::string, Params>> children_;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, Params>>>> keyed_;
};

// A whole validated configuration: one Params per top-level section.
class Config {
 public:
  const Params& section(const std::string& name) const;
  bool has_section(const std::string& name) const;
  const std::vector<std::pair<std::string, Params>>& sections() const { return sections_; }
  // The main config file ("" when built from text).
  const std::string& source() const { return source_; }
  // Everything, defaults filled, paths absolute: a config that reproduces this run on its own.
  Node resolved() const;

  void add_section(const std::string& name, Params p) { sections_.emplace_back(name, std::move(p)); }
  void set_source(std::string s) { source_ = std::move(s); }
  // Plug-in libraries the config loaded (absolute paths), kept so the resolved config loads them too.
  const std::vector<std::string>& plugins() const { return plugins_; }
  void add_plugin(std::string path) { plugins_.push_back(std::move(path)); }
  // Replaces `auto` in section.key by the value the run chose, so that the resolved config
  // reproduces the run with it.
  void settle(const std::string& section, const std::string& key, Value chosen);

 private:
  std::vector<std::pair<std::string, Params>> sections_;
  std::vector<std::string> plugins_;
  std::string source_;
};

}  // namespace cimsim::config
