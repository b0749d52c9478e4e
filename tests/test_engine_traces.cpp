// Traces on request: a Perfetto/Chrome trace-event JSON and a VCD, written into the output folder,
// bounded in size, and absent unless asked for.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support.hpp"

using namespace cimsim;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const std::string kGolden = test::source_dir() + "/configs/golden/tiny.yaml";

}  // namespace

TEST_CASE("traces: --trace writes trace.json and timing.vcd", "[traces][cli]") {
  test::TempDir dir;
  const auto r = test::run_cimsim({"run", kGolden, "--output", dir.path(), "--trace", "--quiet",
                                   "--set", "run.timing_inferences=2"});
  REQUIRE(r.status == 0);
  const std::string trace = slurp(dir.path() + "/trace.json");
  CHECK_THAT(trace, Catch::StartsWith("{\"displayTimeUnit\""));
  for (const char* track : {"\"tile 0\"", "\"array 0\"", "\"ADC bank 0\"", "\"bus\"", "\"layers\""})
    CHECK_THAT(trace, Catch::Contains(track));
  // Slices carry the layer's name: one per vector on the array and on its ADC bank, one per bus
  // transfer (two inputs, two outputs), one for the layer on its tile.
  CHECK(count(trace, "\"name\": \"dense\", \"ph\": \"X\"") == 2 + 2 + 4 + 1);
  const std::string vcd = slurp(dir.path() + "/timing.vcd");
  CHECK_THAT(vcd, Catch::Contains("$var wire"));
  CHECK_THAT(vcd, Catch::Contains("inferences_done"));
  CHECK_THAT(vcd, Catch::Contains("b10 ")); // inferences_done reaches 2
  CHECK_FALSE(fs::exists(dir.path() + "/timing.vcd.partial.vcd"));
  CHECK_THAT(slurp(dir.path() + "/report.json"), Catch::Contains("\"perfetto\": \"trace.json\""));
}

TEST_CASE("traces: none unless asked for, and bounded when asked", "[traces][cli]") {
  test::TempDir plain;
  REQUIRE(test::run_cimsim({"run", kGolden, "--output", plain.path(), "--quiet"}).status == 0);
  CHECK_FALSE(fs::exists(plain.path() + "/trace.json"));
  CHECK_FALSE(fs::exists(plain.path() + "/timing.vcd"));

  test::TempDir capped;
  REQUIRE(test::run_cimsim({"run", kGolden, "--output", capped.path(), "--quiet", "--set", "trace.perfetto=true",
                            "--set", "trace.max_slices=1", "--set", "run.timing_inferences=3"})
              .status == 0);
  const std::string trace = slurp(capped.path() + "/trace.json");
  // One per-vector slice kept, the layer's span always.
  CHECK(count(trace, "\"ph\": \"X\"") == 2);
  CHECK_THAT(trace, Catch::Contains("\"dropped_slices\": 11"));
  CHECK_FALSE(fs::exists(capped.path() + "/timing.vcd"));
}

TEST_CASE("traces: the VCD runs in the chip's real time, whatever the clock", "[traces][cli]") {
  test::TempDir dir;
  REQUIRE(test::run_cimsim({"run", kGolden, "--output", dir.path(), "--quiet", "--set", "trace.vcd=true", "--set",
                            "chip.clock_mhz=500"})
              .status == 0);
  const std::string vcd = slurp(dir.path() + "/timing.vcd");
  std::smatch m;
  const std::string report = slurp(dir.path() + "/report.json");
  REQUIRE(std::regex_search(report, m, std::regex("\"cycles\": \\{\\s*\"value\": ([0-9]+)")));
  const long long cycles = std::stoll(m[1].str());
  REQUIRE(cycles > 0);
  CHECK(std::regex_search(vcd, std::regex("\\$timescale\\s+1 ps\\s+\\$end")));
  // The last timestamp is the end of the run plus the cycle that flushes it: 2000 ps per cycle.
  long long last = -1;
  const std::regex stamp("\n#([0-9]+)");
  for (std::sregex_iterator it(vcd.begin(), vcd.end(), stamp), end; it != end; ++it)
    last = std::max(last, std::stoll((*it)[1].str()));
  CHECK(last == (cycles + 1) * 2000);
}

TEST_CASE("traces: the slice budget is shared by the layers, so the last layer has detail too", "[traces][cli]") {
  test::TempDir dir;
  REQUIRE(test::run_cimsim({"run", test::source_dir() + "/configs/default.yaml", "--output", dir.path(), "--quiet",
                            "--set", "trace.perfetto=true", "--set", "trace.max_slices=4", "--set",
                            "run.timing_inferences=4", "--set", "workload.samples=8"})
              .status == 0);
  const std::string trace = slurp(dir.path() + "/trace.json");
  // Two per-vector slices each (the equal share of 4), plus each layer's span.
  CHECK(count(trace, "\"name\": \"fc1\", \"ph\": \"X\"") == 3);
  CHECK(count(trace, "\"name\": \"fc2\", \"ph\": \"X\"") == 3);
}
