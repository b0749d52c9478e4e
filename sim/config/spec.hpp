#pragma once
// Parameter declarations. Every parameter is declared once, beside the component that reads
// it, with its type, unit, default, allowed range and one line of help. Validation, defaults,
// `cimsim describe` and docs/config-reference.md are all driven by these declarations.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cimsim::config {

using Value = std::variant<std::monostate, std::int64_t, double, bool, std::string,
                           std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>>;

enum class ParamType { Int, Float, Bool, String, Choice, Path, FloatList, IntList, StringList };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Float;
  std::string unit;  // "" when dimensionless
  std::string help;
  Value default_value;
  bool required = false;  // no default: the user must give it
  std::optional<double> min, max;
  bool min_exclusive = false;
  std::vector<std::string> choices;  // Choice only
  bool must_exist = false;           // Path only: the file must exist at load time
  bool auto_allowed = false;         // Int and Float: `auto` is a value too (the run chooses)

  // Allowed range, applied to a value and to every element of a list.
  ParamSpec& range(double lo, double hi);
  ParamSpec& at_least(double lo);
  ParamSpec& above(double lo);  // strictly greater
  ParamSpec& at_most(double hi);
  ParamSpec& needed();          // no default
  ParamSpec& existing();        // Path: checked to exist
  // Int, Float: also takes `auto`, which the run resolves; `by_default`: auto is the default.
  ParamSpec& or_auto(bool by_default = false);

  std::string type_name() const;
  std::string range_text() const;  // "" when unrestricted
  std::string default_text() const;
};

std::string format_value(const Value& v);

// The value `auto` of a parameter declared or_auto().
inline bool is_auto_value(const Value& v) {
  const auto* s = std::get_if<std::string>(&v);
  return s && *s == "auto";
}

class SectionSpec;

// A registry of models as the configuration sees it: names, their parameters, their help.
class ModelCatalog {
 public:
  virtual ~ModelCatalog() = default;
  virtual std::vector<std::string> model_names() const = 0;
  virtual const SectionSpec* model_spec(const std::string& name) const = 0;
  virtual std::string model_help(const std::string& name) const = 0;
  virtual std::string model_origin(const std::string& name) const = 0;
};

// A group of parameters: a top-level section of the config file, a nested one, the parameters
// of one registered model, or the entries of a keyed map (e.g. per-layer overrides).
class SectionSpec {
 public:
  SectionSpec() = default;
  SectionSpec(std::string name, std::string help);

  ParamSpec& integer(const std::string& name, std::int64_t def, const std::string& unit,
                     const std::string& help);
  ParamSpec& real(const std::string& name, double def, const std::string& unit,
                  const std::string& help);
  ParamSpec& boolean(const std::string& name, bool def, const std::string& help);
  ParamSpec& text(const std::string& name, const std::string& def, const std::string& help);
  ParamSpec& choice(const std::string& name, const std::string& def,
                    std::vector<std::string> choices, const std::string& help);
  ParamSpec& path(const std::string& name, const std::string& def, const std::string& help);
  ParamSpec& reals(const std::string& name, std::vector<double> def, const std::string& unit,
                   const std::string& help);
  ParamSpec& integers(const std::string& name, std::vector<std::int64_t> def,
                      const std::string& unit, const std::string& help);
  ParamSpec& texts(const std::string& name, std::vector<std::string> def,
                   const std::string& help);

  // `preset: name` in this section loads <preset root>/<dir>/<name>.yaml underneath.
  SectionSpec& presets(std::string dir);
  // A `model:` key picks one entry of the catalog; that model's parameters join this section's.
  SectionSpec& models(const ModelCatalog* catalog, std::string default_model);
  // A nested section with a fixed name.
  SectionSpec& child(SectionSpec spec);
  // A map from names the user picks to sections of `spec` (given values only, no defaults).
  SectionSpec& keyed(const std::string& name, SectionSpec spec, const std::string& help);
  // Order of top-level sections in listings and the resolved config.
  SectionSpec& order(int o);
  // Only the values given are kept; nothing is filled from defaults (for override maps).
  SectionSpec& sparse();

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<ParamSpec>& params() const { return params_; }
  const ParamSpec* find(const std::string& name) const;
  const std::string& preset_dir() const { return preset_dir_; }
  const ModelCatalog* catalog() const { return catalog_; }
  const std::string& default_model() const { return default_model_; }
  const std::vector<SectionSpec>& children() const { return children_; }
  const SectionSpec* find_child(const std::string& name) const;
  struct Keyed {
    std::string name;
    std::string help;
    std::shared_ptr<SectionSpec> spec;
  };
  const std::vector<Keyed>& keyed_maps() const { return keyed_; }
  const Keyed* find_keyed(const std::string& name) const;
  int sort_order() const { return order_; }
  bool is_sparse() const { return sparse_; }

 private:
  ParamSpec& add(ParamSpec p);

  std::string name_, help_, preset_dir_, default_model_;
  std::vector<ParamSpec> params_;
  std::vector<SectionSpec> children_;
  std::vector<Keyed> keyed_;
  const ModelCatalog* catalog_ = nullptr;
  int order_ = 100;
  bool sparse_ = false;
};

}  // namespace cimsim::config
