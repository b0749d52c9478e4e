#include "sim/config/error.hpp"

namespace cimsim::config {

std::string Location::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

namespace {
std::string compose(const Location& where, const std::string& key, const std::string& message) {
  std::string out = where.str() + ": error";
  if (!key.empty()) out += ": '" + key + "'";
  return out + ": " + message;
}
}  // namespace

ConfigError::ConfigError(Location where, std::string key, const std::string& message)
    : std::runtime_error(compose(where, key, message)),
      where_(std::move(where)),
      key_(std::move(key)),
      message_(message) {}

IoError::IoError(const std::string& path, const std::string& what, const std::string& reason)
    : std::runtime_error(path + ": error: " + what + (reason.empty() ? "" : ": " + reason)), path_(path) {}

}  // namespace cimsim::config
