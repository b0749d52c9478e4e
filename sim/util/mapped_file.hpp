#pragma once
// A regular file mapped read-only into memory: its bytes are read from the page cache when they
// are touched, and never copied into the process's own memory. Large ONNX models are parsed this
// way, so that their weights are not copied once more while the protobuf is read.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cimsim::util {

class MappedFile {
 public:
  // nullptr when `path` is not a regular file that can be opened and mapped (the caller reads
  // it another way, or reports it).
  static std::shared_ptr<const MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {data_, size_}; }

  // Gives back the memory of the whole pages inside `part` (bytes of a MappedFile) once they
  // have been read: the file stays mapped, and a page touched again is read from the page cache.
  // Without this a large model's weights stayed resident beside the matrices built from them.
  static void release(std::string_view part);
  // Maps the pages of `part` in one call before they are read (MADV_POPULATE_READ, Linux 5.14 and
  // later; elsewhere nothing): a page fault per 4 KiB page read took about half the time of a pass
  // over a large model's weights.
  static void prefault(std::string_view part);

 private:
  MappedFile(const char* data, std::size_t size) : data_(data), size_(size) {}
  const char* data_;
  std::size_t size_;
};

}  // namespace cimsim::util
