// I/O failures exit with status 3 and a message naming the path and the system's reason; a run
// writes all its files or none (it stages them beside the output folder and moves them in at the
// end), and a refused sweep merge leaves no store behind.

#include <unistd.h>

#include <filesystem>

#include "bad_input_support.hpp"
#include "sweep_support.hpp"

using namespace cimsim;
using test::expect_refused;

namespace {

std::vector<std::string> default_run(const std::string& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", test::source_dir() + "/configs/default.yaml", "--output", out,
                                   "--set", "workload.samples=40", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("io: an output folder that cannot be created or written exits with 3 before the run", "[io]") {
  test::TempDir dir;
  // /dev/full is a device: nothing can be created below it.
  expect_refused(dir.path(), default_run("/dev/full/out"), 3, {"/dev/full", "cannot create", "Not a directory"});
  const std::string file = dir.file("taken", "a file, not a folder");
  expect_refused(dir.path(), default_run(file), 3, {file, "a file of that name is in the way"});
  expect_refused(dir.path(), default_run(file + "/below"), 3, {file, "Not a directory"});
  if (::geteuid() != 0) {  // root writes anywhere; permissions cannot stop it
    const std::string locked = dir.path() + "/locked";
    std::filesystem::create_directory(locked);
    std::filesystem::permissions(locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    expect_refused(dir.path(), default_run(locked + "/out"), 3, {locked, "Permission denied"});
    expect_refused(dir.path(), default_run(locked), 3, {locked, "cannot write into the output folder"});
    std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  }
}

TEST_CASE("io: a full disk leaves the output folder as it was, and exits with 3", "[io]") {
  test::TempDir dir;
  const std::string out = dir.path() + "/out";
  // An earlier run's files: a failed run must neither mix new files in nor remove them.
  dir.file("out/report.json", "{\"earlier\": true}\n");
  dir.file("out/resolved.yaml", "# earlier\n");
  // A file-size limit of 512 bytes makes every output write fail as a full disk does (EFBIG).
  std::vector<std::string> argv = {"/bin/sh", "-c", "ulimit -f 1; exec \"$0\" \"$@\"", test::binary()};
  const auto args = default_run(out);
  argv.insert(argv.end(), args.begin(), args.end());
  expect_refused(dir.path(), argv, 3, {"write failed", "File too large"});
  // And nothing new below a folder that did not exist.
  argv[argv.size() - 4] = dir.path() + "/new/out";
  expect_refused(dir.path(), argv, 3, {"write failed"});
}

TEST_CASE("io: a failed run leaves an earlier run's folder whole; a good one replaces it whole", "[io]") {
  test::TempDir dir;
  const std::string out = dir.path() + "/out";
  REQUIRE(test::run_cimsim(default_run(out, {"--trace"})).status == 0);
  CHECK(std::filesystem::exists(out + "/trace.json"));
  // A run that fails (here on a bad value) changes nothing in the folder.
  expect_refused(dir.path(), default_run(out, {"--set", "adc.bits=1"}), 2, {"'adc.bits'"});
  // A good run without traces replaces the files and takes away the earlier run's trace files.
  const std::string before = util::read_file(out + "/report.json");
  REQUIRE(test::run_cimsim(default_run(out, {"--set", "adc.bits=6"})).status == 0);
  CHECK(util::read_file(out + "/report.json") != before);
  CHECK_FALSE(std::filesystem::exists(out + "/trace.json"));
  CHECK_FALSE(std::filesystem::exists(out + "/timing.vcd"));
  // No staging folder is left beside it.
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().find(".partial") == std::string::npos);
}

TEST_CASE("io: a sweep store in a place that cannot be created exits with 3", "[io][sweep]") {
  test::TempDir dir;
  const std::string sweep = test::write_sweep(dir, "s.yaml", "parameters:\n  adc.bits: [4, 6]\n");
  expect_refused(dir.path(), {"sweep", "run", sweep, "--store", "/dev/full/s.db", "--quiet"}, 3,
                 {"/dev/full", "Not a directory"});
  expect_refused(dir.path(), {"sweep", "merge", "/dev/full/m.db", dir.path() + "/missing.db"}, 2, {"no such store"});
}

TEST_CASE("io: a refused sweep merge leaves no partial store", "[io][sweep]") {
  test::TempDir dir;
  const std::string a = test::write_sweep(dir, "a.yaml", "set: {workload.samples: 20}\nparameters:\n  adc.bits: [4, 6]\n");
  const std::string b = test::write_sweep(dir, "b.yaml", "set: {workload.samples: 20}\nparameters:\n  adc.bits: [5]\n");
  REQUIRE(test::run_cimsim({"sweep", "run", a, "--store", dir.path() + "/a0.db", "--shard", "0/2", "--quiet"}).status == 0);
  REQUIRE(test::run_cimsim({"sweep", "run", b, "--store", dir.path() + "/b.db", "--quiet"}).status == 0);
  // The second store holds another sweep: nothing of the first is merged into a new store.
  expect_refused(dir.path(), {"sweep", "merge", dir.path() + "/m.db", dir.path() + "/a0.db", dir.path() + "/b.db"}, 2,
                 {"b.db: error: holds another sweep"});
  // Nor into an existing one: it stays byte for byte as it was (expect_refused compares contents).
  REQUIRE(test::run_cimsim({"sweep", "merge", dir.path() + "/m.db", dir.path() + "/a0.db"}).status == 1);
  expect_refused(dir.path(), {"sweep", "merge", dir.path() + "/m.db", dir.path() + "/b.db"}, 2, {"holds another sweep"});
}
