#pragma once
// Scalar config values as the loader reads them (values.cpp). Internal to the library.

#include <filesystem>
#include <string>

#include "sim/config/error.hpp"
#include "sim/config/node.hpp"
#include "sim/config/spec.hpp"

namespace cimsim::config {

// `path.key`, or `key` at the top level.
std::string full_key(const std::string& path, const std::string& key);
// A path written in a config, against the folder of the file it was written in (the working folder
// when it came from no file: `--set`, a config given as text), absolute and normalised.
std::filesystem::path resolve_against(const std::string& written, const Location& where);
// The node's text; a map or list is an error at `key`.
std::string string_of(const Node& n, const std::string& key);
// The node as parameter p's type (`auto` where p takes it), in range and among p's choices; a path
// resolved, and required to exist where p says so. Errors name the node's place and `key`.
Value convert(const ParamSpec& p, const Node& n, const std::string& key);

}  // namespace cimsim::config
