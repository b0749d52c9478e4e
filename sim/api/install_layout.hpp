#pragma once
// Where the files shipped beside the library are. An installed library (cmake --install, the
// Debian package) finds them relative to its own file, so an installation moved elsewhere or
// unpacked into another root still finds its presets; a library in its build tree uses the
// source tree it was built from.

#include <string>

namespace cimsim::api {

// The shipped configs/ folder: presets (cells/, adcs/, tech/ ...), chips and examples.
std::string shipped_configs_dir();

}  // namespace cimsim::api
