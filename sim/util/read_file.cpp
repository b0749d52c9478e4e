#include "sim/util/read_file.hpp"

#include <fstream>
#include <sstream>

namespace cimsim::util {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cimsim::util
