#include "sim/workload/onnx_loader.hpp"

#include <set>

#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload {

Network load_onnx(const std::string& path, const LoadOptions& options) {
  return onnx_import::Importer(onnx_import::read_graph(path), options.weights_in_file).run();
}

Network load_onnx_bytes(const std::string& bytes, const std::string& path, const LoadOptions& options) {
  return onnx_import::Importer(onnx_import::parse_graph(bytes, path), options.weights_in_file).run();
}

std::vector<std::string> supported_onnx_ops() {
  std::set<std::string> all = onnx_import::Importer::handled_ops();
  for (const auto& f : onnx_import::Importer::foldable_ops()) all.insert(f);
  for (const auto& r : models::OperatorRegistry::instance().types()) all.insert(r);
  return {all.begin(), all.end()};
}

}  // namespace cimsim::workload
