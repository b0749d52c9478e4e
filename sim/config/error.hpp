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

}  // namespace cimsim::config
