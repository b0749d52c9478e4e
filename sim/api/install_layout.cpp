#include "sim/api/install_layout.hpp"

#include <dlfcn.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace cimsim::api {

std::string shipped_configs_dir() {
  // The file this function was loaded from: libcimsim.so wherever it lies.
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&shipped_configs_dir), &info) != 0 && info.dli_fname) {
    std::error_code ec;
    const fs::path library = fs::canonical(info.dli_fname, ec);
    if (!ec) {
      // CIMSIM_CONFIGS_FROM_LIBDIR: the installed configs relative to the installed library's folder.
      const fs::path installed = (library.parent_path() / CIMSIM_CONFIGS_FROM_LIBDIR).lexically_normal();
      if (fs::is_directory(installed, ec)) return installed.string();
    }
  }
  return CIMSIM_SOURCE_CONFIGS;
}

}  // namespace cimsim::api
