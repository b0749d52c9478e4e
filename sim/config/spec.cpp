#include "sim/config/spec.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace cimsim::config {

namespace {

std::string number_text(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}

template <class T>
std::string list_text(const std::vector<T>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (i) out += ", ";
    if constexpr (std::is_same_v<T, std::string>) out += xs[i];
    else if constexpr (std::is_same_v<T, double>) out += number_text(xs[i]);
    else out += std::to_string(xs[i]);
  }
  return out + "]";
}

}  // namespace

std::string format_value(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(std::int64_t x) const { return std::to_string(x); }
    std::string operator()(double x) const { return number_text(x); }
    std::string operator()(bool x) const { return x ? "true" : "false"; }
    std::string operator()(const std::string& x) const { return x; }
    std::string operator()(const std::vector<double>& x) const { return list_text(x); }
    std::string operator()(const std::vector<std::int64_t>& x) const { return list_text(x); }
    std::string operator()(const std::vector<std::string>& x) const { return list_text(x); }
  };
  return std::visit(Visitor{}, v);
}

ParamSpec& ParamSpec::range(double lo, double hi) {
  min = lo;
  max = hi;
  return *this;
}
ParamSpec& ParamSpec::at_least(double lo) {
  min = lo;
  min_exclusive = false;
  return *this;
}
ParamSpec& ParamSpec::above(double lo) {
  min = lo;
  min_exclusive = true;
  return *this;
}
ParamSpec& ParamSpec::at_most(double hi) {
  max = hi;
  return *this;
}
ParamSpec& ParamSpec::needed() {
  required = true;
  default_value = std::monostate{};
  return *this;
}
ParamSpec& ParamSpec::existing() {
  must_exist = true;
  return *this;
}

ParamSpec& ParamSpec::or_auto(bool by_default) {
  auto_allowed = true;
  if (by_default) default_value = std::string("auto");
  return *this;
}

std::string ParamSpec::type_name() const {
  switch (type) {
    case ParamType::Int: return auto_allowed ? "int or auto" : "int";
    case ParamType::Float: return auto_allowed ? "float or auto" : "float";
    case ParamType::Bool: return "bool";
    case ParamType::String: return "string";
    case ParamType::Choice: return "choice";
    case ParamType::Path: return "path";
    case ParamType::FloatList: return "list of float";
    case ParamType::IntList: return "list of int";
    case ParamType::StringList: return "list of string";
  }
  return "?";
}

std::string ParamSpec::range_text() const {
  if (type == ParamType::Choice) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? " | " : "") + choices[i];
    return out;
  }
  if (min && max) return "[" + number_text(*min) + ", " + number_text(*max) + "]";
  if (min) return (min_exclusive ? "> " : ">= ") + number_text(*min);
  if (max) return "<= " + number_text(*max);
  return "";
}

std::string ParamSpec::default_text() const {
  if (required) return "(required)";
  const std::string t = format_value(default_value);
  if (t.empty() && (type == ParamType::Path || type == ParamType::String)) return "\"\"";
  return t;
}

SectionSpec::SectionSpec(std::string name, std::string help)
    : name_(std::move(name)), help_(std::move(help)) {}

namespace {
ParamSpec make_param(const std::string& name, ParamType type, const std::string& unit, const std::string& help,
                     Value def) {
  ParamSpec p;
  p.name = name;
  p.type = type;
  p.unit = unit;
  p.help = help;
  p.default_value = std::move(def);
  return p;
}
}  // namespace

ParamSpec& SectionSpec::add(ParamSpec p) {
  if (find(p.name)) throw std::logic_error("parameter declared twice: " + name_ + "." + p.name);
  params_.push_back(std::move(p));
  return params_.back();
}

ParamSpec& SectionSpec::integer(const std::string& name, std::int64_t def, const std::string& unit,
                                const std::string& help) {
  return add(make_param(name, ParamType::Int, unit, help, def));
}
ParamSpec& SectionSpec::real(const std::string& name, double def, const std::string& unit,
                             const std::string& help) {
  return add(make_param(name, ParamType::Float, unit, help, def));
}
ParamSpec& SectionSpec::boolean(const std::string& name, bool def, const std::string& help) {
  return add(make_param(name, ParamType::Bool, "", help, def));
}
ParamSpec& SectionSpec::text(const std::string& name, const std::string& def,
                             const std::string& help) {
  return add(make_param(name, ParamType::String, "", help, def));
}
ParamSpec& SectionSpec::choice(const std::string& name, const std::string& def,
                               std::vector<std::string> choices, const std::string& help) {
  ParamSpec p = make_param(name, ParamType::Choice, "", help, def);
  p.choices = std::move(choices);
  return add(std::move(p));
}
ParamSpec& SectionSpec::path(const std::string& name, const std::string& def,
                             const std::string& help) {
  return add(make_param(name, ParamType::Path, "", help, def));
}
ParamSpec& SectionSpec::reals(const std::string& name, std::vector<double> def,
                              const std::string& unit, const std::string& help) {
  return add(make_param(name, ParamType::FloatList, unit, help, std::move(def)));
}
ParamSpec& SectionSpec::integers(const std::string& name, std::vector<std::int64_t> def,
                                 const std::string& unit, const std::string& help) {
  return add(make_param(name, ParamType::IntList, unit, help, std::move(def)));
}
ParamSpec& SectionSpec::texts(const std::string& name, std::vector<std::string> def,
                              const std::string& help) {
  return add(make_param(name, ParamType::StringList, "", help, std::move(def)));
}

SectionSpec& SectionSpec::presets(std::string dir) {
  preset_dir_ = std::move(dir);
  return *this;
}
SectionSpec& SectionSpec::models(const ModelCatalog* catalog, std::string default_model) {
  catalog_ = catalog;
  default_model_ = std::move(default_model);
  return *this;
}
SectionSpec& SectionSpec::child(SectionSpec spec) {
  children_.push_back(std::move(spec));
  return *this;
}
SectionSpec& SectionSpec::keyed(const std::string& name, SectionSpec spec, const std::string& help) {
  spec.sparse_ = true;
  keyed_.push_back({name, help, std::make_shared<SectionSpec>(std::move(spec))});
  return *this;
}
SectionSpec& SectionSpec::order(int o) {
  order_ = o;
  return *this;
}
SectionSpec& SectionSpec::sparse() {
  sparse_ = true;
  return *this;
}

const ParamSpec* SectionSpec::find(const std::string& name) const {
  for (const auto& p : params_)
    if (p.name == name) return &p;
  return nullptr;
}

const SectionSpec* SectionSpec::find_child(const std::string& name) const {
  for (const auto& c : children_)
    if (c.name() == name) return &c;
  return nullptr;
}

const SectionSpec::Keyed* SectionSpec::find_keyed(const std::string& name) const {
  for (const auto& k : keyed_)
    if (k.name == name) return &k;
  return nullptr;
}

}  // namespace cimsim::config
