// ONNX import time per million weights, for every .onnx file in a folder (the networks of
// scripts/export_torch_models.py), against the time to read the file and parse its protobuf
// (the least any importer must do), measured in the same run.
//
//   /usr/bin/python3 scripts/export_torch_models.py --out /tmp/zoo
//   build/bench/bench_onnx_import /tmp/zoo [repeats]
//
// Given one .onnx file instead, it imports it once and exits, for the peak memory of an import:
//   /usr/bin/time -v build/bench/bench_onnx_import vgg16.onnx

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/util/allocator.hpp"
#include "sim/util/seconds_since.hpp"
#include "sim/workload/onnx/graph.hpp"
#include "sim/workload/onnx_loader.hpp"

using namespace cimsim;

namespace {

// Median seconds of `repeats` calls.
double median_seconds(const std::function<void()>& fn, int repeats) {
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    t.push_back(util::seconds_since(start));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FOLDER [repeats] | FILE.onnx\n", argv[0]);
    return 2;
  }
  util::keep_freed_memory();  // as the cimsim program does
  if (std::filesystem::is_regular_file(argv[1])) {
    const workload::Network net = workload::load_onnx(argv[1]);
    std::printf("%s: %zu layers, %.3f M multiply-accumulates per sample\n", argv[1], net.layers.size(),
                static_cast<double>(net.macs_per_sample()) * 1e-6);
    return 0;
  }
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(argv[1]))
    if (e.path().extension() == ".onnx") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::printf("%-32s %9s %10s %10s %12s %8s\n", "model", "Mweights", "parse ms", "import ms", "s/Mweights", "x parse");
  for (const auto& f : files) {
    double weights = 0;
    for (const auto& [name, t] : workload::onnx_import::read_graph(f).initializers)
      if (workload::onnx_import::dtype_is_float(t.dtype)) weights += static_cast<double>(t.values.size());
    const double parse = median_seconds([&] { workload::onnx_import::read_graph(f); }, repeats);
    const double import = median_seconds([&] { workload::load_onnx(f); }, repeats);
    std::printf("%-32s %9.3f %10.1f %10.1f %12.4f %8.2f\n", std::filesystem::path(f).filename().c_str(), weights * 1e-6,
                parse * 1e3, import * 1e3, import / std::max(weights * 1e-6, 1e-9), import / parse);
  }
  return 0;
}
