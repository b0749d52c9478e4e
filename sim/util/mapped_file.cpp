#include "sim/util/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace cimsim::util {

std::shared_ptr<const MappedFile> MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    ::close(fd);
    return nullptr;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    ::close(fd);
    return nullptr;
  }
  return std::shared_ptr<const MappedFile>(new MappedFile(fd, static_cast<const char*>(p), size));
}

void MappedFile::release(std::string_view part) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(part.data()) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(part.data()) + part.size()) / page * page;
  // Advice only: a failure leaves the pages resident, which is what happens without it.
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

void MappedFile::copy(std::string_view part, void* dest) const {
  auto* out = static_cast<char*>(dest);
  std::size_t done = 0;
  auto offset = static_cast<off_t>(part.data() - data_);
  while (done < part.size()) {
    const ssize_t got = ::pread(fd_, out + done, part.size() - done, offset + static_cast<off_t>(done));
    if (got > 0) {
      done += static_cast<std::size_t>(got);
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      // The file shrank or cannot be read any more: what the mapping holds is what a reader of
      // the mapping would get (or its SIGBUS, as before).
      std::memcpy(out + done, part.data() + done, part.size() - done);
      return;
    }
  }
}

MappedFile::~MappedFile() {
  ::munmap(const_cast<char*>(data_), size_);
  ::close(fd_);
}

}  // namespace cimsim::util
