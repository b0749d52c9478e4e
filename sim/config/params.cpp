#include "sim/config/params.hpp"

#include <stdexcept>

namespace cimsim::config {

const ParamSpec* Params::param_spec(const std::string& key) const {
  if (spec_)
    if (const ParamSpec* p = spec_->find(key)) return p;
  if (model_spec_)
    if (const ParamSpec* p = model_spec_->find(key)) return p;
  return nullptr;
}

template <class T>
const T& Params::get(const std::string& key, const char* want) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    if (!param_spec(key))
      throw std::logic_error("code reads undeclared parameter " + path_ + "." + key);
    throw std::logic_error("code reads parameter " + path_ + "." + key + " that has no value");
  }
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  throw std::logic_error("code reads " + path_ + "." + key + " as " + want);
}

bool Params::is_auto(const std::string& key) const {
  auto it = values_.find(key);
  return it != values_.end() && is_auto_value(it->second);
}

std::int64_t Params::integer(const std::string& key) const { return get<std::int64_t>(key, "int"); }
double Params::real(const std::string& key) const { return get<double>(key, "float"); }
bool Params::flag(const std::string& key) const { return get<bool>(key, "bool"); }
const std::string& Params::text(const std::string& key) const { return get<std::string>(key, "string"); }
const std::vector<double>& Params::reals(const std::string& key) const {
  return get<std::vector<double>>(key, "list of float");
}
const std::vector<std::int64_t>& Params::integers(const std::string& key) const {
  return get<std::vector<std::int64_t>>(key, "list of int");
}
const std::vector<std::string>& Params::texts(const std::string& key) const {
  return get<std::vector<std::string>>(key, "list of string");
}

const Value& Params::value(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("no value for " + path_ + "." + key);
  return it->second;
}

const Location& Params::where(const std::string& key) const {
  auto it = places_.find(key);
  return it == places_.end() ? where_ : it->second;
}

bool Params::given(const std::string& key) const {
  auto it = given_.find(key);
  return it != given_.end() && it->second;
}

void Params::fail(const std::string& key, const std::string& message) const {
  // A key left at its default has no place of its own: the section's place in the user's file
  // (or the file around it, when the section is not written) is where it has to be set.
  const Location& at = has(key) && !given(key) ? where_ : where(key);
  throw ConfigError(at, path_.empty() ? key : path_ + "." + key, message);
}

void Params::fail_section(const std::string& message) const { throw ConfigError(where_, path_, message); }

const Params& Params::child(const std::string& name) const {
  for (const auto& [n, p] : children_)
    if (n == name) return p;
  throw std::logic_error("no child section " + path_ + "." + name);
}

const std::vector<std::pair<std::string, Params>>& Params::keyed(const std::string& name) const {
  for (const auto& [n, entries] : keyed_)
    if (n == name) return entries;
  throw std::logic_error("no keyed map " + path_ + "." + name);
}

void Params::set(const std::string& key, Value v, Location where, bool given) {
  if (!values_.count(key)) order_.push_back(key);
  values_[key] = std::move(v);
  places_[key] = std::move(where);
  given_[key] = given;
}

namespace {

template <class T>
Node list_node(const std::vector<T>& xs, const Location& where) {
  Node seq = Node::sequence(where);
  for (const auto& x : xs) {
    Node item = Node::scalar(format_value(Value(x)), where);
    if constexpr (std::is_same_v<T, std::string>) item.set_quoted(true);
    seq.push_back(std::move(item));
  }
  return seq;
}

Node value_node(const Value& v, const Location& where, bool quote_strings) {
  if (const auto* l = std::get_if<std::vector<double>>(&v)) return list_node(*l, where);
  if (const auto* l = std::get_if<std::vector<std::int64_t>>(&v)) return list_node(*l, where);
  if (const auto* l = std::get_if<std::vector<std::string>>(&v)) return list_node(*l, where);
  Node n = Node::scalar(format_value(v), where);
  if (quote_strings && std::holds_alternative<std::string>(v)) n.set_quoted(true);
  return n;
}

}  // namespace

Node Params::to_node() const {
  Node n = Node::map(where_);
  if (!model_.empty()) n.set("model", where_, Node::scalar(model_, where_));
  for (const auto& key : order_) {
    const ParamSpec* ps = param_spec(key);
    const bool quote = ps && (ps->type == ParamType::String || ps->type == ParamType::Path);
    n.set(key, places_.at(key), value_node(values_.at(key), places_.at(key), quote));
  }
  for (const auto& [name, child] : children_) n.set(name, child.where(), child.to_node());
  for (const auto& [name, entries] : keyed_) {
    Node m = Node::map(where_);
    for (const auto& [entry_name, p] : entries) m.set(entry_name, p.where(), p.to_node());
    n.set(name, where_, std::move(m));
  }
  return n;
}

const Params& Config::section(const std::string& name) const {
  for (const auto& [n, p] : sections_)
    if (n == name) return p;
  throw std::logic_error("no config section '" + name + "' is registered");
}

bool Config::has_section(const std::string& name) const {
  for (const auto& s : sections_)
    if (s.first == name) return true;
  return false;
}

void Config::settle(const std::string& section_name, const std::string& key, Value chosen) {
  for (auto& [name, p] : sections_) {
    if (name != section_name) continue;
    if (!p.is_auto(key)) throw std::logic_error("settle: " + section_name + "." + key + " is not auto");
    p.set(key, std::move(chosen), p.where(key), true);
    return;
  }
  throw std::logic_error("settle: no section " + section_name);
}

Node Config::resolved() const {
  Node root = Node::map({source_, 0, 0});
  if (!plugins_.empty()) root.set("plugins", {source_, 0, 0}, list_node(plugins_, {source_, 0, 0}));
  for (const auto& [name, p] : sections_) root.set(name, p.where(), p.to_node());
  return root;
}

}  // namespace cimsim::config
