#pragma once
// Shared by the harnesses: a private scratch folder laid out like the source tree (configs/ and
// traces/ linked in), so that inputs that name shipped files by relative path find them, and the
// rule for what a harness may see thrown.

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/config/error.hpp"
#include "sim/util/memory.hpp"

namespace cimsim::fuzz {

// <tmp>/cimsim-fuzz-<pid>/ with configs -> <source>/configs and traces -> <source>/traces; a/
// beside them (as configs/ is) holding links to every shipped .npy file (as a layer list's
// folder would); and a/b/ two levels down (as scripts/studies/ is).
inline const std::string& scratch() {
  static const std::string dir = [] {
    namespace fs = std::filesystem;
    const fs::path d = fs::temp_directory_path() / ("cimsim-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d / "a" / "b");
    std::error_code ec;
    for (const char* link : {"configs", "traces"})
      fs::create_directory_symlink(fs::path(CIMSIM_SOURCE_DIR) / link, d / link, ec);
    for (const auto& folder : fs::directory_iterator(fs::path(CIMSIM_SOURCE_DIR) / "traces"))
      for (const auto& f : fs::directory_iterator(folder.path()))
        if (f.path().extension() == ".npy") fs::create_symlink(f.path(), d / "a" / f.path().filename(), ec);
    // Harnesses allocate what an input asks for; keep them well inside libFuzzer's RSS limit.
    util::set_memory_limit_bytes(512.0 * 1024 * 1024);
    static const std::string removed_at_exit = d.string();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(removed_at_exit, ec);
    });
    return d.string();
  }();
  return dir;
}

// Writes the input to `path` (whole, replacing what was there) and returns the path.
inline std::string write_input(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// Runs the parser on one input. The errors bad input may cause are the three user-facing ones;
// anything else escapes, and libFuzzer reports it as a crash (an "internal error" at the CLI).
template <class Fn>
void expect_clean(Fn&& fn) {
  try {
    fn();
  } catch (const config::ConfigError&) {
  } catch (const config::InputError&) {
  } catch (const config::IoError&) {
  }
}

}  // namespace cimsim::fuzz
