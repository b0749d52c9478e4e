#pragma once
// Writing files so that a reader never sees half of one. Every failure throws config::IoError
// naming the path and the operating system's reason (exit status 3 at the command line).

#include <string>

namespace cimsim::util {

// Writes the whole content to `path.tmp.<pid>` and renames it over `path`, so that a reader
// never sees half a file, and a run that fails midway leaves the old file in place.
void write_file_atomically(const std::string& path, const std::string& content);

// Creates `path` and the folders above it that are missing; `what` names the folder's purpose in
// the error ("the output folder").
void create_folders(const std::string& path, const std::string& what);

// The operating system's words for the current errno.
std::string os_reason();

}  // namespace cimsim::util
