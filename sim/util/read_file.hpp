#pragma once
#include <cstdint>
#include <string>

namespace cimsim::util {

// The whole content of a file, or "" when it cannot be read (callers that need to tell the two
// apart check the file first, with input_file_problem).
std::string read_file(const std::string& path);

// Why `path` cannot serve as an input file, in words that complete "<path>: error: ...": it does
// not exist, is a folder, a device or a pipe (/dev/zero would never end), cannot be read, or is
// larger than `max_bytes`. "" when it can.
std::string input_file_problem(const std::string& path, std::uint64_t max_bytes);

// Bytes written the way people read them: "16 MiB", "3.2 GiB", "512 bytes".
std::string byte_text(double bytes);

}  // namespace cimsim::util
