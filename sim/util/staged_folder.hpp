#pragma once
// An output folder that changes all at once or not at all. Files are written into a staging
// folder beside it (`.NAME.partial-PID`); commit() moves them in only when every one is written.
// A run that fails, or a disk that fills up, leaves the output folder as it was (and removes the
// folders it created on the way there). I/O failures throw config::IoError.

#include <string>
#include <vector>

namespace cimsim::util {

class StagedFolder {
 public:
  // Checks up front that the output folder can be written (or created), so that an unwritable
  // place fails before a long run rather than after it.
  explicit StagedFolder(const std::string& folder);
  ~StagedFolder();
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;

  const std::string& folder() const { return folder_; }    // where the files end up
  const std::string& staging() const { return staging_; }  // where they are written meanwhile
  std::string staged(const std::string& name) const { return staging_ + "/" + name; }
  void write(const std::string& name, const std::string& content);

  // Moves every staged file into the folder. Files named in `owned` that this commit does not
  // bring are removed from the folder: they belong to an earlier run and no longer match.
  void commit(const std::vector<std::string>& owned);

 private:
  std::string folder_, staging_;
  std::string created_;  // the topmost folder this object created, removed again on failure
  bool committed_ = false;
};

}  // namespace cimsim::util
