// The command line: errors exit with status 2 and name the key and line; a good run writes the
// report files.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sim/util/read_file.hpp"
#include "support.hpp"

using namespace cimsim;

TEST_CASE("cli: config errors exit with 2 naming key and line", "[cli]") {
  test::TempDir dir;
  const std::string cfg = dir.file("bad.yaml", test::digits_workload_yaml() + "adc:\n  bits: 99\n");
  const auto r = test::run_cimsim({"run", cfg});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:7:9"));
  CHECK_THAT(r.err, Catch::Contains("adc.bits"));
  CHECK(r.out.empty());

  const auto unknown = test::run_cimsim({"run", cfg, "--set", "adc.bits=6", "--set", "array.rowz=4"});
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Catch::Contains("array.rowz"));
  CHECK_THAT(unknown.err, Catch::Contains("did you mean 'rows'"));

  const auto missing = test::run_cimsim({"run", dir.path() + "/nope.yaml"});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Catch::Contains("nope.yaml"));
}

TEST_CASE("cli: bad input files exit with 2 naming the file", "[cli]") {
  test::TempDir dir;
  const std::string junk = dir.file("junk.npy", "not numpy");
  const std::string cfg = dir.file("c.yaml", test::digits_workload_yaml(junk));
  const auto r = test::run_cimsim({"run", cfg, "--quiet"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("junk.npy"));
  CHECK_THAT(r.err, Catch::Contains("not a valid .npy"));
}

TEST_CASE("cli: usage errors exit with 2", "[cli]") {
  CHECK(test::run_cimsim({}).status == 2);
  CHECK(test::run_cimsim({"frobnicate"}).status == 2);
  CHECK(test::run_cimsim({"run"}).status == 2);
  const auto r = test::run_cimsim({"describe", "adcc"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("did you mean 'adc'"));
}

TEST_CASE("cli: --help after any command prints the usage and succeeds", "[cli]") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"run", "--help"}, {"check", "x.yaml", "-h"}}) {
    const auto r = test::run_cimsim(args);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("cimsim run CONFIG"));
  }
}

TEST_CASE("cli: a run writes report.json, layers.csv and resolved.yaml", "[cli]") {
  test::TempDir dir;
  const auto r = test::run_cimsim({"run", test::source_dir() + "/configs/default.yaml", "--output", dir.path(),
                                   "--set", "workload.samples=40"});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("accuracy"));
  CHECK_THAT(r.out, Catch::Contains("TOPS/W"));
  for (const char* f : {"report.json", "layers.csv", "resolved.yaml"})
    CHECK(std::filesystem::exists(dir.path() + "/" + f));
  // The resolved config runs again on its own.
  const auto again = test::run_cimsim({"check", dir.path() + "/resolved.yaml"});
  CHECK(again.status == 0);
}

TEST_CASE("cli: without labels accuracy is reported as not measured, null in report.json", "[cli]") {
  test::TempDir dir;
  const auto r = test::run_cimsim({"run", test::source_dir() + "/configs/default.yaml", "--output", dir.path(), "--set",
                                   "workload.inputs=\"\"", "--set", "workload.labels=\"\"", "--set",
                                   "workload.calibration_inputs=\"\"", "--set", "workload.synthetic_samples=4"});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("accuracy    not measured"));
  const std::string report = util::read_file(dir.path() + "/report.json");
  CHECK_THAT(report, Catch::Contains("\"labelled\": false"));
  CHECK_THAT(report, Catch::Contains("\"chip\": {\n      \"value\": null"));
}

// The program restarts itself with glibc's heap on transparent huge pages (util/allocator.hpp);
// how memory is paged must not change a result, and CIMSIM_HUGE_PAGES=0 keeps the first process.
TEST_CASE("cli: results are the same with and without the huge-page restart", "[cli]") {
  test::TempDir dir;
  auto run = [&](const std::string& env, const std::string& out) {
    return test::run_program({"/usr/bin/env", env, test::binary(), "run", test::source_dir() + "/configs/digits_cnn.yaml",
                              "--output", dir.path() + "/" + out, "--set", "workload.samples=24"});
  };
  const auto paged = run("CIMSIM_HUGE_PAGES=1", "paged");
  const auto plain = run("CIMSIM_HUGE_PAGES=0", "plain");
  REQUIRE(paged.status == 0);
  REQUIRE(plain.status == 0);
  CHECK(util::read_file(dir.path() + "/paged/report.json") == util::read_file(dir.path() + "/plain/report.json"));
  CHECK(util::read_file(dir.path() + "/paged/layers.csv") == util::read_file(dir.path() + "/plain/layers.csv"));
}

// With two threads `cimsim run` times the steady rate in a second process beside the run
// (sim/run/steady_rate_process.hpp); with one it runs both here. The reports must be the same byte
// for byte, in both schedules, for a full run (forked from the prepared chip) and an estimate
// (forked at the start, preparing its own), and the second process must really have answered.
TEST_CASE("cli: the steady rate from a second process equals the one measured in the run's own", "[cli]") {
  test::TempDir dir;
  for (const std::string mode : {"full", "estimate"})
  for (const std::string schedule : {"layer_serial", "pipelined"}) {
    auto run = [&](int threads) {
      const std::string out = dir.path() + "/" + mode + schedule + std::to_string(threads);
      const auto r = test::run_cimsim({"run", test::source_dir() + "/configs/digits_cnn.yaml", "--output", out, "--set",
                                       "workload.samples=24", "--set", "chip.schedule=" + schedule, "--set", "chip.tiles=auto", "--set",
                                       "run.timing_inferences=3", "--set", "run.mode=" + mode, "--threads",
                                       std::to_string(threads), "--log-level", "debug"});
      REQUIRE(r.status == 0);
      return std::make_pair(r.out + r.err, util::read_file(out + "/report.json"));
    };
    INFO("schedule " << schedule << ", run.mode " << mode);
    const auto [log_one, one] = run(1);
    const auto [log_two, two] = run(2);
    CHECK_THAT(log_two, Catch::Contains("steady rate measured in a second process"));
    CHECK_THAT(log_one, !Catch::Contains("steady rate measured in a second process"));
    CHECK_THAT(one, Catch::Contains("throughput_steady"));
    CHECK(one == two);
  }
}
