#include "sim/util/staged_folder.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "sim/config/error.hpp"
#include "sim/util/atomic_file.hpp"

namespace fs = std::filesystem;

namespace cimsim::util {

using config::IoError;

namespace {

// The output folder as an absolute path without a trailing separator ("out/" and "out" agree).
fs::path normalised(const std::string& folder) {
  fs::path p = fs::absolute(folder).lexically_normal();
  if (p.filename().empty() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p;
}

// The first folder on the way to `p` that does not exist yet ("" when all exist).
fs::path first_missing(const fs::path& p) {
  fs::path built;
  for (const auto& part : p) {
    built /= part;
    std::error_code ec;
    if (!fs::exists(built, ec)) return built;
  }
  return {};
}

}  // namespace

StagedFolder::StagedFolder(const std::string& folder) {
  const fs::path target = normalised(folder);
  folder_ = target.string();
  if (target == target.root_path() || target.filename().empty())
    throw IoError(folder, "cannot use this as an output folder", "give a folder below it");
  std::error_code ec;
  const bool exists = fs::exists(target, ec);
  if (exists && !fs::is_directory(target, ec))
    throw IoError(folder_, "cannot use the output folder", "a file of that name is in the way");
  if (exists && ::access(folder_.c_str(), W_OK | X_OK) != 0)
    throw IoError(folder_, "cannot write into the output folder", os_reason());
  const fs::path parent = target.parent_path();
  created_ = first_missing(parent).string();
  create_folders(parent.string(), "the folder of the output folder");
  staging_ = (parent / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()))).string();
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec) || ec) {
    const std::string reason = ec ? ec.message() : "it exists already";
    if (!created_.empty()) fs::remove_all(created_, ec);
    throw IoError(staging_, "cannot create a staging folder beside the output folder", reason);
  }
}

StagedFolder::~StagedFolder() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  if (!created_.empty()) fs::remove_all(created_, ec);
}

void StagedFolder::write(const std::string& name, const std::string& content) {
  write_file_atomically(staged(name), content);
}

void StagedFolder::commit(const std::vector<std::string>& owned) {
  std::error_code ec;
  if (!fs::exists(folder_, ec)) {
    // A new folder appears whole, in one rename.
    if (::rename(staging_.c_str(), folder_.c_str()) != 0)
      throw IoError(folder_, "cannot move the outputs into place", os_reason());
    committed_ = true;
    return;
  }
  std::vector<std::string> brought;
  for (const auto& entry : fs::directory_iterator(staging_, ec)) brought.push_back(entry.path().filename().string());
  if (ec) throw IoError(staging_, "cannot list the staged outputs", ec.message());
  for (const auto& name : brought) {
    const std::string to = folder_ + "/" + name;
    if (::rename(staged(name).c_str(), to.c_str()) != 0)
      throw IoError(to, "cannot move the output into place", os_reason());
  }
  for (const auto& name : owned)
    if (std::find(brought.begin(), brought.end(), name) == brought.end()) fs::remove(folder_ + "/" + name, ec);
  committed_ = true;
  fs::remove_all(staging_, ec);
}

}  // namespace cimsim::util
