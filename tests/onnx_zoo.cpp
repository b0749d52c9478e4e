#include "onnx_zoo.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>
#include <functional>
#include <sstream>

#include "sim/util/npy.hpp"
#include "support.hpp"

namespace cimsim::test {

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Eigen::MatrixXf columns(const npy::Array& a) {
  const std::int64_t n = a.shape.front(), per = a.size() / std::max<std::int64_t>(1, n);
  Eigen::MatrixXf m(per, n);
  for (std::int64_t s = 0; s < n; ++s)
    for (std::int64_t k = 0; k < per; ++k) m(k, s) = static_cast<float>(a.values[static_cast<std::size_t>(s * per + k)]);
  return m;
}

}  // namespace

std::string ZooExport::onnx(int opset) const { return dir + "/" + "model_op" + std::to_string(opset) + ".onnx"; }

std::optional<ZooExport> torch_export(const std::string& name) {
  const std::string script = source_dir() + "/scripts/export_torch_models.py";
  // One folder per network and version of the script, beside the cimsim binary.
  const std::string stamp = std::to_string(std::hash<std::string>{}(slurp(script)));
  const std::string dir = fs::path(binary()).parent_path().string() + "/onnx-zoo/" + name + "-" + stamp;
  ZooExport z;
  z.dir = dir;
  if (!fs::exists(dir + "/done")) {
    // Tests of one network run in parallel (CTest): each exports into a folder of its own and the
    // first to finish renames it into place; the others drop theirs.
    const std::string tmp = dir + ".partial." + std::to_string(::getpid());
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const CommandResult r = run_program({"/usr/bin/python3", script, "--out", tmp, "--models", name});
    if (r.status == 3) {
      WARN("skipped: " << r.err);
      return std::nullopt;
    }
    INFO(r.err);
    REQUIRE(r.status == 0);
    for (const auto& e : fs::directory_iterator(tmp)) {
      const std::string f = e.path().filename().string();
      const std::string renamed = f.rfind(name + "_", 0) == 0 ? f.substr(name.size() + 1) : f;
      fs::rename(e.path(), tmp + "/" + (renamed.rfind("op", 0) == 0 ? "model_" + renamed : renamed));
    }
    std::ofstream(tmp + "/done") << "exported by " << script << "\n";
    if (fs::exists(dir) && !fs::exists(dir + "/done")) fs::remove_all(dir);  // left by an interrupted run
    std::error_code taken;
    fs::rename(tmp, dir, taken);
    if (taken) {
      fs::remove_all(tmp);
      REQUIRE(fs::exists(dir + "/done"));
    }
  }
  z.inputs = columns(npy::load(dir + "/inputs.npy"));
  z.outputs = columns(npy::load(dir + "/outputs.npy"));
  return z;
}

double relative_error(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  const double scale = std::max(1e-30, static_cast<double>(b.cwiseAbs().maxCoeff()));
  return static_cast<double>((a - b).cwiseAbs().maxCoeff()) / scale;
}

}  // namespace cimsim::test
