#pragma once
// Configuration errors: every one names where it comes from (file, line, column) and the key.

#include <stdexcept>
#include <string>

namespace cimsim::config {

// A place in a configuration source. Lines and columns are 1-based; line 0 means the place has
// no line of its own (a default value, or an argument on the command line).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;

  std::string str() const;  // "file:line:column", "file" when there is no line
  static Location builtin_default() { return {"<default>", 0, 0}; }
};

// A user-facing error in configuration or input files. The CLI prints what() and exits with 2.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(Location where, std::string key, const std::string& message);

  const Location& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  Location where_;
  std::string key_;
  std::string message_;
};

// An error in an input file that is not a parameter (a network, a data set): same exit status.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reading or writing failed for a reason outside the input's content: a folder that cannot be
// created, a read-only place, a full disk. The CLI prints what() and exits with 3.
class IoError : public std::runtime_error {
 public:
  // "<path>: error: <what>: <reason>", the reason being the operating system's words.
  IoError(const std::string& path, const std::string& what, const std::string& reason);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Exit statuses of the command line (README, `cimsim --help`).
constexpr int kExitSuccess = 0;
constexpr int kExitBadInput = 2;  // configuration, network, data, usage
constexpr int kExitIo = 3;        // output not writable, disk full

}  // namespace cimsim::config
