#include "sim/util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sim/config/error.hpp"
#include "sim/util/fd_io.hpp"

namespace cimsim::util {

using config::IoError;

std::string os_reason() { return std::strerror(errno); }

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(path, "cannot write file", os_reason());
  // POSIX calls rather than a stream: a full disk or a file-size limit then says which (errno).
  if (!write_all(fd, content.data(), content.size())) {
    const std::string reason = errno != 0 ? os_reason() : "nothing written";
    ::close(fd);
    ::unlink(tmp.c_str());
    throw IoError(path, "write failed", reason);
  }
  if (::close(fd) != 0) {
    const std::string reason = os_reason();
    ::unlink(tmp.c_str());
    throw IoError(path, "write failed", reason);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = os_reason();
    ::unlink(tmp.c_str());
    throw IoError(path, "cannot move file into place", reason);
  }
}

void create_folders(const std::string& path, const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw IoError(path, "cannot create " + what, ec.message());
  if (!std::filesystem::is_directory(path, ec))
    throw IoError(path, "cannot create " + what, "a file of that name is in the way");
}

}  // namespace cimsim::util
