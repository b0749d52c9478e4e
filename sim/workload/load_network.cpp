#include "sim/workload/load_network.hpp"

#include <filesystem>

#include "sim/config/error.hpp"
#include "sim/workload/layer_list.hpp"
#include "sim/workload/onnx_loader.hpp"

namespace cimsim::workload {

Network load_network(const std::string& path, const LoadOptions& options) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".onnx") return load_onnx(path, options);
  if (ext == ".yaml" || ext == ".yml") return load_layer_list(path);
  throw config::InputError(path + ": error: unknown network format '" + ext + "' (expected .onnx or .yaml)");
}

}  // namespace cimsim::workload
