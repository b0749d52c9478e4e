// Plug-ins: the template builds as a library of its own (its CMake project, with this build's
// compiler and libcimsim), loads through a config's `plugins:`, runs, and is described; loading
// errors are clear and exit with status 2.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "sim/plugins/plugin_api.hpp"
#include "support.hpp"

using namespace cimsim;
namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Runs a shell command with its output in `log`; returns the exit status.
int shell(const std::string& command, const std::string& log) {
  return std::system((command + " > " + quoted(log) + " 2>&1").c_str());
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A shared library compiled straight from `source` (the error cases need no cimsim headers).
std::string tiny_library(const test::TempDir& dir, const std::string& name, const std::string& source) {
  const std::string src = dir.file(name + ".cpp", source);
  const std::string lib = dir.path() + "/lib" + name + ".so";
  const std::string log = dir.path() + "/" + name + ".log";
  const int status = shell(std::string(CIMSIM_CXX_COMPILER) + " -shared -fPIC -o " + quoted(lib) + " " + quoted(src), log);
  INFO(slurp(log));
  REQUIRE(status == 0);
  return lib;
}

std::string config_loading(const test::TempDir& dir, const std::string& libraries, const std::string& cell) {
  return dir.file("plugged.yaml", "plugins: [" + libraries + "]\n" + test::digits_workload_yaml() +
                                      "  samples: 40\n" + cell + "run: {output_dir: " + dir.path() + "/out}\n");
}

}  // namespace

TEST_CASE("plugins: the template builds, loads from a config, runs and is described", "[plugins]") {
  test::TempDir dir;
  const std::string build = dir.path() + "/build", log = dir.path() + "/build.log";
  const int status =
      shell(std::string(CIMSIM_CMAKE_COMMAND) + " -S " + quoted(test::source_dir() + "/plugins/template") + " -B " +
                quoted(build) + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=" + quoted(CIMSIM_CXX_COMPILER) +
                " -DCIMSIM_ROOT=" + quoted(test::source_dir()) + " -DCIMSIM_LIBRARY=" + quoted(CIMSIM_LIBRARY_FILE) +
                " && " + CIMSIM_CMAKE_COMMAND + " --build " + quoted(build),
            log);
  INFO(slurp(log));
  REQUIRE(status == 0);
  const std::string library = build + "/libcimsim_template_cell.so";
  REQUIRE(fs::exists(library));

  // A run with the plug-in's model: the config names the library relative to itself.
  const std::string cfg = config_loading(dir, "build/libcimsim_template_cell.so",
                                         "cell: {model: template_cell, sigma_relative: 0.05}\n");
  const auto run = test::run_cimsim({"run", cfg});
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK_THAT(run.out, Catch::Contains("accuracy"));
  CHECK_THAT(slurp(dir.path() + "/out/resolved.yaml"), Catch::Contains("template_cell"));
  // The resolved config loads the plug-in again on its own.
  CHECK(test::run_cimsim({"check", dir.path() + "/out/resolved.yaml"}).status == 0);

  // Its programming error is drawn through device_stream(), so corners fix it: -3 sigma and +3 sigma
  // of a large error are different chips.
  const auto corners = test::run_cimsim(
      {"run", cfg, "--set", "cell.sigma_relative=0.5", "--set", "analysis.corners=[-3, 3]", "--set", "adc.bits=5"});
  INFO(corners.err);
  REQUIRE(corners.status == 0);
  std::smatch m;
  const std::string out = corners.out;
  REQUIRE(std::regex_search(out, m, std::regex("-3 sigma ([0-9.]+) %, \\+3 sigma ([0-9.]+) %")));
  CHECK(m[1].str() != m[2].str());

  // describe lists the plug-in's model, its origin and its parameters.
  const auto describe = test::run_cimsim({"describe", "cell", "--plugin", library});
  CHECK(describe.status == 0);
  CHECK_THAT(describe.out, Catch::Contains("model template_cell (" + fs::weakly_canonical(library).string() + ")"));
  CHECK_THAT(describe.out, Catch::Contains("sigma_relative"));
  CHECK_THAT(test::run_cimsim({"describe", "cell"}).out, !Catch::Contains("template_cell"));

  // A name clash: the same models from a second library.
  const std::string copy = dir.path() + "/libclash.so";
  fs::copy_file(library, copy);
  const auto clash = test::run_cimsim({"run", config_loading(dir, library + ", " + copy, "cell: {model: template_cell}\n")});
  CHECK(clash.status == 2);
  CHECK_THAT(clash.err, Catch::Contains("libclash.so") && Catch::Contains("'template_cell'") &&
                            Catch::Contains("already registered (by " + fs::weakly_canonical(library).string()));
}

TEST_CASE("plugins: a wrong ABI, a missing entry point or no library at all is a clear error", "[plugins]") {
  test::TempDir dir;
  const std::string abi = std::to_string(CIMSIM_PLUGIN_ABI_VERSION);
  const std::string wrong_abi = tiny_library(dir, "wrong_abi",
                                             "extern \"C\" int cimsim_plugin_abi_version(void) { return " + abi +
                                                 " + 1; }\nextern \"C\" void cimsim_plugin_register(void*) {}\n");
  const std::string no_register =
      tiny_library(dir, "no_register", "extern \"C\" int cimsim_plugin_abi_version(void) { return " + abi + "; }\n");
  const std::string no_entry = tiny_library(dir, "no_entry", "int unrelated() { return 1; }\n");
  const std::string text = dir.file("libtext.so", "not a shared library\n");

  struct Case {
    std::string library;
    std::vector<std::string> expect;
  };
  const Case cases[] = {
      {wrong_abi, {"wrong_abi.so", "built for plug-in ABI " + std::to_string(CIMSIM_PLUGIN_ABI_VERSION + 1),
                   "this cimsim has ABI " + abi}},
      {no_register, {"no_register.so", "no 'cimsim_plugin_register' entry point"}},
      {no_entry, {"no_entry.so", "no 'cimsim_plugin_abi_version' entry point"}},
      {text, {"cannot load plug-in", "libtext.so"}},
      {dir.path() + "/libmissing.so", {"cannot load plug-in", "libmissing.so"}},
  };
  for (const Case& c : cases) {
    const auto r = test::run_cimsim({"run", config_loading(dir, c.library, "")});
    INFO(c.library << ": " << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("plugged.yaml:1:11") && Catch::Contains("'plugins'"));
    for (const auto& e : c.expect) CHECK_THAT(r.err, Catch::Contains(e));
    // The same from the command line.
    const auto d = test::run_cimsim({"describe", "cell", "--plugin", c.library});
    CHECK(d.status == 2);
    CHECK_THAT(d.err, Catch::Contains("--plugin"));
  }
}

TEST_CASE("plugins: corners on a model whose variations they cannot fix stop with status 2", "[plugins][analysis]") {
  // The ideal cell has no once-per-chip variation: its corners would all be the nominal chip.
  test::TempDir dir;
  const auto run = test::run_cimsim({"run", dir.file("ideal.yaml", test::digits_workload_yaml() +
                                                                      "cell: {model: ideal}\nanalysis: {corners: [-2, 2]}\n"
                                                                      "run: {output_dir: " + dir.path() + "/out}\n")});
  CHECK(run.status == 2);
  CHECK_THAT(run.err, Catch::Contains("analysis.corners") && Catch::Contains("device_stream"));
  CHECK(!fs::exists(dir.path() + "/out/report.json"));
}
