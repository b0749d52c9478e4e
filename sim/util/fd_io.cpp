#include "sim/util/fd_io.hpp"

#include <unistd.h>

#include <cerrno>

namespace cimsim::util {

namespace {

// `move(fd, p, left)` is ::read or ::write on the rest of the buffer.
template <class Byte, class Move>
bool move_all(int fd, Byte* p, std::size_t n, Move move) {
  while (n > 0) {
    errno = 0;  // a call that moves nothing leaves errno alone
    const ssize_t done = move(fd, p, n);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;
    p += done;
    n -= static_cast<std::size_t>(done);
  }
  return true;
}

}  // namespace

bool write_all(int fd, const void* data, std::size_t n) {
  return move_all(fd, static_cast<const char*>(data), n, [](int f, const char* p, std::size_t k) { return ::write(f, p, k); });
}

bool read_all(int fd, void* data, std::size_t n) {
  return move_all(fd, static_cast<char*>(data), n, [](int f, char* p, std::size_t k) { return ::read(f, p, k); });
}

}  // namespace cimsim::util
