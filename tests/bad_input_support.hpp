#pragma once
// The bad-input corpus runs the real cimsim command on each bad input and checks three things:
// the exit status (2 bad input, 3 I/O failure), the message (file, place, key: each fragment
// given must appear), and that nothing was written (the folder the case works in, output folder
// and stores included, holds exactly what it held before).

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/util/read_file.hpp"
#include "support.hpp"

namespace cimsim::test {

// Every file and folder under `dir` with its content ("" for folders).
inline std::map<std::string, std::string> listing(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    const std::string rel = std::filesystem::relative(e.path(), dir).string();
    out[rel] = e.is_regular_file() ? util::read_file(e.path().string()) : "";
  }
  return out;
}

// The static corpus in tests/bad_input/.
inline std::string bad_input(const std::string& name) { return source_dir() + "/tests/bad_input/" + name; }

// Runs `argv` (cimsim's arguments, or a whole command line when it starts with "/") and checks
// the status, the message fragments and that `dir` is unchanged.
inline CommandResult expect_refused(const std::string& dir, const std::vector<std::string>& argv, int status,
                                    const std::vector<std::string>& message) {
  const auto before = listing(dir);
  const CommandResult r = !argv.empty() && argv.front().front() == '/' ? run_program(argv) : run_cimsim(argv);
  INFO("stderr: " << r.err);
  CHECK(r.status == status);
  for (const auto& fragment : message) CHECK_THAT(r.err, Catch::Contains(fragment));
  CHECK(r.err.find("internal error") == std::string::npos);
  CHECK(listing(dir) == before);
  return r;
}

// A config in `dir` running the digits MLP with `extra` YAML after its workload section.
inline std::string digits_config(const TempDir& dir, const std::string& name, const std::string& extra,
                                 const std::string& labels = "") {
  return dir.file(name, digits_workload_yaml(labels) + extra);
}

}  // namespace cimsim::test
