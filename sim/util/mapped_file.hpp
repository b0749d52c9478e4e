#pragma once
// A regular file mapped read-only into memory: its bytes are read from the page cache when they
// are touched, and never copied into the process's own memory. Large ONNX models are parsed this
// way, so that their weights are not copied once more while the protobuf is read; passes over the
// weights themselves copy them out in pieces (copy()).

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
  // Copies `part` (bytes of this file) into `dest` with read calls, leaving the mapping's pages
  // untouched. A pass over a large model's weights this way took a quarter of the time of
  // copying them out of the mapping: every mapped 4 KiB page costs a page-table entry set up and
  // torn down, which on a virtual machine dominated (VGG-16's 553 MB: 0.08 s against 0.30–0.37 s).
  void copy(std::string_view part, void* dest) const;

 private:
  MappedFile(int fd, const char* data, std::size_t size) : fd_(fd), data_(data), size_(size) {}
  int fd_;  // kept open for copy()
  const char* data_;
  std::size_t size_;
};

}  // namespace cimsim::util
