#pragma once
// The .npy preamble and header dict, parsed without recursion or regular expressions (a header
// of megabytes is one clear error, not a stack overflow). Internal to npy.cpp and its fuzzer.

#include <cstdint>
#include <string>

#include "sim/util/npy.hpp"

namespace cimsim::npy::detail {

// Bytes of the preamble plus header, from the file's first 12 bytes (or all of it when shorter).
std::uint64_t header_end(const std::string& first_bytes, const std::string& origin);

// The header from the file's first header_end() bytes; `file_size` is the whole file's, checked
// against the data the header promises.
Header parse_header(const std::string& start, std::uint64_t file_size, const std::string& origin);

[[noreturn]] void bad(const std::string& origin, const std::string& what);

}  // namespace cimsim::npy::detail
