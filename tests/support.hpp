#pragma once
// Helpers shared by the tests: temporary folders, running the cimsim command, configs in memory.

#include <string>
#include <vector>

#include "sim/config/params.hpp"

namespace cimsim::test {

std::string source_dir();  // the project root
std::string binary();      // the cimsim executable

// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name, const std::string& content) const;  // writes, returns path

 private:
  std::string path_;
};

struct CommandResult {
  int status = -1;
  std::string out, err;
};
// Runs the cimsim executable with `args` (each passed as its own argument).
CommandResult run_cimsim(const std::vector<std::string>& args);
// Runs any program: argv[0] is its path; the rest are its arguments.
CommandResult run_program(const std::vector<std::string>& argv);

// A valid config: the digits workload plus `yaml` (other sections), validated. Keys in `yaml`
// override the workload's.
config::Config config_with(const std::string& yaml, const std::vector<std::string>& sets = {});

// The digits workload section as YAML (5 lines), with absolute paths; `labels` replaces the
// labels file when given.
std::string digits_workload_yaml(const std::string& labels = "");

// The bytes of a .npy file with this header dict and data, padded as NumPy pads it (format 1.0,
// or 2.0 when the header needs more than 65535 bytes).
std::string npy_bytes(const std::string& header_dict, const std::string& data);

}  // namespace cimsim::test
