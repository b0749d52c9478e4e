#pragma once
#include <string>

namespace cimsim::util {

// The whole content of a file, or "" when it cannot be read (callers that need to tell the two
// apart check the file first).
std::string read_file(const std::string& path);

}  // namespace cimsim::util
