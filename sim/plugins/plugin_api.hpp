#pragma once
// What an out-of-tree model library includes. A plug-in is a shared library with two C entry
// points, which CIMSIM_PLUGIN defines:
//
//   #include "sim/plugins/plugin_api.hpp"
//   CIMSIM_PLUGIN(registrar) {
//     registrar->add_cell({"my_cell", "What it models", my_spec(), my_factory, ""});
//     registrar->add_operator({"MyOp", "What it computes and costs", my_operator_factory, ""});
//   }
//
// cimsim loads it from a config's `plugins:` list (or `--plugin`), refuses it unless it was built
// for this plug-in ABI, and registers its models beside the built-in ones under their names.
// Models are C++ classes: build the plug-in with the compiler and the headers of the cimsim that
// loads it (cmake/CimsimPlugin.cmake; template in plugins/template/).

#include "models/cells/cell_model.hpp"
#include "models/operators/operator.hpp"
#include "models/periphery/adc.hpp"
#include "models/periphery/dac.hpp"
#include "sim/api/eigen_abi.hpp"

// Raised whenever a change to these headers changes what a plug-in compiles against (the model
// interfaces, ArrayDevices, Params, SectionSpec, the registry entries). 2: digital operators; 3: the
// array key's temperature, cells' write costs and column current limits.
#define CIMSIM_PLUGIN_ABI_VERSION 3

namespace cimsim::plugins {

// Receives the models a plug-in offers. Entries are checked for clashes with every registered
// name before any is added; the `origin` field is filled with the library's path.
class Registrar {
 public:
  virtual ~Registrar() = default;
  virtual void add_cell(config::Registry<models::CellModel>::Entry entry) = 0;
  virtual void add_adc(config::Registry<models::AdcModel>::Entry entry) = 0;
  virtual void add_dac(config::Registry<models::DacModel>::Entry entry) = 0;
  // A digital operator for the tiles' digital units, under the ONNX op_type it implements
  // ("domain.Type" for a custom domain); networks that use it then load (models/operators).
  virtual void add_operator(models::OperatorEntry entry) = 0;
};

}  // namespace cimsim::plugins

// The entry points, with C linkage so that their names are fixed.
extern "C" {
// CIMSIM_PLUGIN_ABI_VERSION as the plug-in saw it when it was compiled.
int cimsim_plugin_abi_version(void);
// Offers the plug-in's models; called once, after the version check.
void cimsim_plugin_register(cimsim::plugins::Registrar* registrar);
}

#define CIMSIM_PLUGIN(registrar)                                                      \
  extern "C" int cimsim_plugin_abi_version(void) { return CIMSIM_PLUGIN_ABI_VERSION; } \
  extern "C" void cimsim_plugin_register(::cimsim::plugins::Registrar* registrar)
