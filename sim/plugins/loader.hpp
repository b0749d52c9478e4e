#pragma once
// Loads model plug-ins: shared libraries named in a config's `plugins:` list or with `--plugin`.
// Installed as the config loader's plugin hook when the library starts, so a config that names
// plug-ins validates against their models.

#include <string>

#include "sim/config/error.hpp"

namespace cimsim::plugins {

// Loads the library at `path` (once; loading it again does nothing) and registers its models.
// Every failure is a ConfigError at `where`: the library does not load (the loader's message), a
// symbol is missing, the ABI version differs, a model name is taken, or registration throws.
void load_plugin(const std::string& path, const config::Location& where);

}  // namespace cimsim::plugins
