#include "support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/config/loader.hpp"
#include "sim/util/read_file.hpp"

namespace fs = std::filesystem;

namespace cimsim::test {

std::string source_dir() { return CIMSIM_SOURCE_DIR; }
std::string binary() { return CIMSIM_BINARY; }

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "cimsim-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::file(const std::string& name, const std::string& content) const {
  const fs::path p = fs::path(path_) / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

CommandResult run_program(const std::vector<std::string>& args) {
  TempDir tmp;
  const std::string out = tmp.path() + "/out", err = tmp.path() + "/err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) std::_Exit(127);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(copy.front().c_str(), argv.data());
    std::_Exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = util::read_file(out);
  r.err = util::read_file(err);
  return r;
}

CommandResult run_cimsim(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

std::string digits_workload_yaml(const std::string& labels) {
  const std::string d = source_dir() + "/traces/digits_mlp/";
  return "workload:\n"
         "  network: " + d + "network.yaml\n"
         "  inputs: " + d + "test_inputs.npy\n"
         "  labels: " + (labels.empty() ? d + "test_labels.npy" : labels) + "\n"
         "  calibration_inputs: " + d + "calib_inputs.npy\n";
}

std::string npy_bytes(const std::string& header_dict, const std::string& data) {
  std::string h = header_dict;
  const bool v2 = h.size() + 12 > 65535;
  const std::size_t preamble = v2 ? 12 : 10;
  h += std::string((64 - (preamble + h.size() + 1) % 64) % 64, ' ') + "\n";
  std::string out = "\x93NUMPY";
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\x00';
  for (std::size_t i = 0; i < (v2 ? 4u : 2u); ++i) out += static_cast<char>((h.size() >> (8 * i)) & 0xff);
  return out + h + data;
}

config::Config config_with(const std::string& yaml, const std::vector<std::string>& sets) {
  config::Node root = config::load_yaml_text(digits_workload_yaml(), "<test workload>");
  config::merge_into(root, config::load_yaml_text(yaml, "<test>"));
  for (const auto& s : sets) config::apply_set(root, s);
  return config::validate(root, config::preset_search_path());
}

}  // namespace cimsim::test
