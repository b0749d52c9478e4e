// The bad-input corpus for sizes the run may choose (`auto`) and for the run mode: auto where a key
// takes none, misspelt or quoted, in a file, on the command line and in a sweep; fixed sizes too
// small for the network; a mode that cannot do what the config asks. Each is refused at the key's
// line with status 2 and nothing written (bad_input_support.hpp).

#include "bad_input_support.hpp"

using namespace cimsim;
using test::expect_refused;

namespace {

std::string with_default(const std::string& yaml) {
  return "include: " + test::source_dir() + "/configs/default.yaml\n" + yaml;
}

std::vector<std::string> run_args(const test::TempDir& dir, const std::string& config,
                                  std::vector<std::string> sets = {}) {
  std::vector<std::string> args = {"run", config, "--output", dir.path() + "/out", "--quiet"};
  for (const auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  return args;
}

}  // namespace

TEST_CASE("bad input: auto misspelt, quoted or on a key that takes none is refused at the key", "[bad_input]") {
  test::TempDir dir;
  const std::string misspelt = dir.file("misspelt.yaml", with_default("chip:\n  tiles: autox\n"));
  for (const char* command : {"check", "run"}) {
    INFO(command);
    std::vector<std::string> args = run_args(dir, misspelt);
    args[0] = command;
    if (std::string(command) == "check") args.resize(2);
    expect_refused(dir.path(), args, 2,
                   {"misspelt.yaml:3:10", "'chip.tiles'", "expected an integer or auto, got 'autox'", "'auto'"});
  }
  const std::string none = dir.file("none.yaml", with_default("adc:\n  bits: auto\n"));
  expect_refused(dir.path(), run_args(dir, none), 2, {"none.yaml:3:9", "'adc.bits'", "takes no auto"});
  const std::string quoted = dir.file("quoted.yaml", with_default("tile:\n  input_buffer_kib: \"auto\"\n"));
  expect_refused(dir.path(), run_args(dir, quoted), 2,
                 {"quoted.yaml:3:21", "'tile.input_buffer_kib'", "write auto without quotes"});
  const std::string list = dir.file("list.yaml", with_default("chip:\n  global_buffer_kib: [auto]\n"));
  expect_refused(dir.path(), run_args(dir, list), 2,
                 {"list.yaml:3:22", "'chip.global_buffer_kib'", "expected a number or auto, got a list"});
  const std::string config = test::source_dir() + "/configs/default.yaml";
  expect_refused(dir.path(), run_args(dir, config, {"chip.tiles=Auto"}), 2,
                 {"--set chip.tiles=Auto", "'chip.tiles'", "got 'Auto'", "'auto'"});
  expect_refused(dir.path(), run_args(dir, config, {"cell.g_max_us=auto"}), 2,
                 {"--set cell.g_max_us=auto", "'cell.g_max_us'", "takes no auto"});
  expect_refused(dir.path(), run_args(dir, config, {"run.mode=fast"}), 2,
                 {"--set run.mode=fast", "'run.mode'", "'fast' is not one of"});
}

TEST_CASE("bad input: a sweep value of auto that the key refuses is reported at its line", "[bad_input]") {
  test::TempDir dir;
  const std::string config = test::source_dir() + "/configs/default.yaml";
  const std::string sweep = dir.file("auto_sweep.yaml", "base: " + config +
                                                            "\nparameters:\n"
                                                            "  chip.tiles: [auto, 4, autox]\n");
  expect_refused(dir.path(), {"sweep", "check", sweep}, 2, {"auto_sweep.yaml:3:25", "'chip.tiles'", "'autox'"});
  expect_refused(dir.path(), {"sweep", "run", sweep, "--store", dir.path() + "/s.db"}, 2,
                 {"auto_sweep.yaml:3:25", "'chip.tiles'"});
  const std::string bits = dir.file("bits_sweep.yaml", "base: " + config + "\nparameters:\n  adc.bits: [4, auto]\n");
  expect_refused(dir.path(), {"sweep", "check", bits}, 2, {"bits_sweep.yaml:3:17", "'adc.bits'", "takes no auto"});
}

TEST_CASE("bad input: fixed sizes too small for the network are refused before anything is written", "[bad_input]") {
  test::TempDir dir;
  const std::string config = test::source_dir() + "/configs/default.yaml";
  const std::string tiles = dir.file("one_tile.yaml", with_default("chip:\n  tiles: 1\ntile:\n  arrays: 1\n"));
  expect_refused(dir.path(), run_args(dir, tiles), 2, {"one_tile.yaml:3:10", "'chip.tiles'", "short by"});
  const std::string buffer = dir.file("small_buffer.yaml", with_default("chip:\n  global_buffer_kib: 0.001\n"));
  expect_refused(dir.path(), run_args(dir, buffer), 2,
                 {"small_buffer.yaml:3:22", "'chip.global_buffer_kib'", "global buffer holds"});
  // An estimate programs no chip: the analyses that evaluate programmed chips need a full run.
  expect_refused(dir.path(), run_args(dir, config, {"run.mode=estimate", "analysis.worst_case=true"}), 2,
                 {"--set run.mode=estimate", "'run.mode'", "need run.mode full"});
}
