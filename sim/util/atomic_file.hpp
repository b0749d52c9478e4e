#pragma once
#include <string>

namespace cimsim::util {

// Writes the whole content to `path.tmp.<pid>` and renames it over `path`, so that a reader
// never sees half a file, and a run that fails midway leaves the old file in place.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace cimsim::util
