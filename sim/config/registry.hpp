#pragma once
// Models registered by name. A model is one source file that registers itself with a static
// initializer; the config section of its interface lists it, validates its parameters and
// builds it. Plug-ins add entries at run time through the same call.

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/config/params.hpp"
#include "sim/config/spec.hpp"

namespace cimsim::config {

template <class Interface>
class Registry final : public ModelCatalog {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(const Params&)>;
  struct Entry {
    std::string name;
    std::string help;
    SectionSpec params;
    Factory make;
    std::string origin;  // "built-in" or the plug-in library it came from
  };

  static Registry& instance() {
    static Registry r;
    return r;
  }

  // Throws std::invalid_argument when the name is taken.
  void add(Entry e) {
    if (e.origin.empty()) e.origin = "built-in";
    auto it = entries_.find(e.name);
    if (it != entries_.end())
      throw std::invalid_argument("model name '" + e.name + "' is already registered (by " +
                                  it->second.origin + ")");
    entries_.emplace(e.name, std::move(e));
  }

  bool contains(const std::string& name) const { return entries_.count(name) != 0; }

  // Builds the model a validated section picked with `model:`.
  std::unique_ptr<Interface> create(const Params& p) const {
    auto it = entries_.find(p.model());
    if (it == entries_.end()) throw std::logic_error("unregistered model " + p.model());
    return it->second.make(p);
  }

  std::vector<std::string> model_names() const override {
    std::vector<std::string> out;
    for (const auto& kv : entries_) out.push_back(kv.first);
    return out;
  }
  const SectionSpec* model_spec(const std::string& name) const override {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second.params;
  }
  std::string model_help(const std::string& name) const override {
    auto it = entries_.find(name);
    return it == entries_.end() ? "" : it->second.help;
  }
  std::string model_origin(const std::string& name) const override {
    auto it = entries_.find(name);
    return it == entries_.end() ? "" : it->second.origin;
  }

 private:
  Registry() = default;
  std::map<std::string, Entry> entries_;
};

// Registers a model at static-initialisation time:
//   const bool registered = register_model<CellModel>({"ideal", "...", spec(), factory});
template <class Interface>
bool register_model(typename Registry<Interface>::Entry e) {
  Registry<Interface>::instance().add(std::move(e));
  return true;
}

}  // namespace cimsim::config
