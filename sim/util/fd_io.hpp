#pragma once
// Whole reads and writes on a file descriptor: the system calls move part of a buffer at a time
// and stop when a signal arrives; these go on until every byte has moved.

#include <cstddef>

namespace cimsim::util {

// True when all `n` bytes moved. False when a call failed (errno says why) or moved nothing
// (errno 0: the end of the file, or nothing written).
bool write_all(int fd, const void* data, std::size_t n);
bool read_all(int fd, void* data, std::size_t n);

}  // namespace cimsim::util
