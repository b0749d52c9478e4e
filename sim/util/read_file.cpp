#include "sim/util/read_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace cimsim::util {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string input_file_problem(const std::string& path, std::uint64_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? "file not found" : std::string("cannot read the file: ") + std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "is a folder, not a file";
  if (!S_ISREG(st.st_mode)) return "is not a regular file (a device, a pipe or a socket)";
  if (::access(path.c_str(), R_OK) != 0) return std::string("cannot read the file: ") + std::strerror(errno);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return "is " + byte_text(static_cast<double>(st.st_size)) + ", more than the " +
           byte_text(static_cast<double>(max_bytes)) + " such a file may have";
  return "";
}

std::string byte_text(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{:.3g} {}", bytes, units[u]);
}

}  // namespace cimsim::util
