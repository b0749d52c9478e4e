#include "sim/plugins/loader.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <vector>

#include "sim/config/loader.hpp"
#include "sim/plugins/plugin_api.hpp"

namespace cimsim::plugins {

namespace {

using config::ConfigError;

// Collects a plug-in's entries so that all of them can be checked before any is added.
class Collector final : public Registrar {
 public:
  void add_cell(config::Registry<models::CellModel>::Entry e) override { cells.push_back(std::move(e)); }
  void add_adc(config::Registry<models::AdcModel>::Entry e) override { adcs.push_back(std::move(e)); }
  void add_dac(config::Registry<models::DacModel>::Entry e) override { dacs.push_back(std::move(e)); }
  void add_operator(models::OperatorEntry e) override { operators.push_back(std::move(e)); }

  std::vector<config::Registry<models::CellModel>::Entry> cells;
  std::vector<config::Registry<models::AdcModel>::Entry> adcs;
  std::vector<config::Registry<models::DacModel>::Entry> dacs;
  std::vector<models::OperatorEntry> operators;
};

void check_operators(const std::vector<models::OperatorEntry>& entries, const std::string& library,
                     const config::Location& where) {
  const auto& registry = models::OperatorRegistry::instance();
  std::set<std::string> own;
  for (const auto& e : entries) {
    if (e.type.empty() || !e.make)
      throw ConfigError(where, "plugins", "plug-in " + library + " registers an operator without a type or a factory");
    if (const models::OperatorEntry* taken = registry.find(e.type))
      throw ConfigError(where, "plugins",
                        "plug-in " + library + " registers operator '" + e.type + "', which is already registered (by " +
                            taken->origin + ")");
    if (!own.insert(e.type).second)
      throw ConfigError(where, "plugins", "plug-in " + library + " registers operator '" + e.type + "' twice");
  }
}

template <class Interface>
void check_names(const std::vector<typename config::Registry<Interface>::Entry>& entries, const char* kind,
                 const std::string& library, const config::Location& where) {
  const auto& registry = config::Registry<Interface>::instance();
  std::set<std::string> own;
  for (const auto& e : entries) {
    if (e.name.empty())
      throw ConfigError(where, "plugins", "plug-in " + library + " registers a " + kind + " model with no name");
    if (registry.contains(e.name))
      throw ConfigError(where, "plugins",
                        "plug-in " + library + " registers " + kind + " model '" + e.name +
                            "', which is already registered (by " + registry.model_origin(e.name) + ")");
    if (!own.insert(e.name).second)
      throw ConfigError(where, "plugins",
                        "plug-in " + library + " registers " + kind + " model '" + e.name + "' twice");
  }
}

template <class Interface>
void add_all(std::vector<typename config::Registry<Interface>::Entry>& entries, const std::string& library) {
  for (auto& e : entries) {
    e.origin = library;
    config::Registry<Interface>::instance().add(std::move(e));
  }
}

std::mutex& loaded_mutex() {
  static std::mutex m;
  return m;
}
std::set<std::string>& loaded() {
  static std::set<std::string> libraries;
  return libraries;
}

void* symbol(void* handle, const char* name, const std::string& library, const config::Location& where) {
  ::dlerror();
  void* s = ::dlsym(handle, name);
  if (!s)
    throw ConfigError(where, "plugins",
                      library + " is not a cimsim plug-in: it has no '" + name + "' entry point (define the entry "
                      "points with CIMSIM_PLUGIN from sim/plugins/plugin_api.hpp)");
  return s;
}

}  // namespace

void load_plugin(const std::string& path, const config::Location& where) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  const std::string library = ec ? path : canonical.string();
  const std::lock_guard<std::mutex> lock(loaded_mutex());
  if (loaded().count(library)) return;

  // RTLD_NOW: an unresolved symbol fails here, with the dynamic loader's message, not mid-run.
  // RTLD_LOCAL: the entry points of several plug-ins do not collide.
  void* handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    throw ConfigError(where, "plugins", "cannot load plug-in: " + std::string(why ? why : library));
  }
  // A library that fails a check stays mapped but registers nothing; the run stops anyway.
  using VersionFn = int (*)();
  using RegisterFn = void (*)(Registrar*);
  const auto version = reinterpret_cast<VersionFn>(symbol(handle, "cimsim_plugin_abi_version", library, where));
  const int abi = version();
  if (abi != CIMSIM_PLUGIN_ABI_VERSION)
    throw ConfigError(where, "plugins",
                      "plug-in " + library + " was built for plug-in ABI " + std::to_string(abi) +
                          ", this cimsim has ABI " + std::to_string(CIMSIM_PLUGIN_ABI_VERSION) +
                          ": rebuild it against this cimsim's headers");
  const auto register_fn = reinterpret_cast<RegisterFn>(symbol(handle, "cimsim_plugin_register", library, where));

  Collector offered;
  try {
    register_fn(&offered);
  } catch (const std::exception& e) {
    throw ConfigError(where, "plugins", "plug-in " + library + " failed while registering its models: " + e.what());
  }
  check_names<models::CellModel>(offered.cells, "cell", library, where);
  check_names<models::AdcModel>(offered.adcs, "adc", library, where);
  check_names<models::DacModel>(offered.dacs, "dac", library, where);
  check_operators(offered.operators, library, where);
  add_all<models::CellModel>(offered.cells, library);
  add_all<models::AdcModel>(offered.adcs, library);
  add_all<models::DacModel>(offered.dacs, library);
  for (auto& e : offered.operators) {
    e.origin = library;
    models::OperatorRegistry::instance().add(std::move(e));
  }
  // Never closed: the registered factories run the library's code.
  loaded().insert(library);
}

namespace {
const bool installed = [] {
  config::set_plugin_hook(&load_plugin);
  return true;
}();
}  // namespace

}  // namespace cimsim::plugins
