// The validation table of docs/validation.md as a test: every figure cimsim gives for a published
// one stays within the band the doc states for it, and within 1 % of the value the doc records, so
// that a change moving fidelity fails here and must update the doc deliberately.

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "bench/validation.hpp"

using namespace cimsim;

TEST_CASE("validation: every published figure within its band of docs/validation.md", "[validation]") {
  const auto recorded = bench::recorded_figures();
  REQUIRE(recorded.size() >= 16);
  const auto figures = bench::validation_figures();
  const auto failures = bench::validation_failures(figures, recorded);
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
}

TEST_CASE("validation: the check fails a figure outside its band, off its record, or missing", "[validation]") {
  std::map<std::string, bench::RecordedFigure> recorded;
  recorded["X | a"] = {10.5, 0.10, 1};
  recorded["X | b"] = {9.0, 0.10, 2};
  // Within its band of the published 10 and on its record: passes.
  CHECK(bench::validation_failures({{"X", "a", 10, 10.5}, {"X", "b", 10, 9.0}}, recorded).empty());
  // 12 is 20 % off the published 10, and off the 10.5 recorded.
  const auto out = bench::validation_failures({{"X", "a", 10, 12}, {"X", "b", 10, 9.0}}, recorded);
  REQUIRE(out.size() == 2);
  CHECK_THAT(out[0], Catch::Contains("outside its band of ±10 %"));
  CHECK_THAT(out[1], Catch::Contains("records 10.5"));
  // A figure the doc lacks, and a row the run does not compute.
  const auto missing = bench::validation_failures({{"X", "a", 10, 10.5}, {"Y", "c", 1, 1}}, recorded);
  CHECK(missing.size() == 2);
}

TEST_CASE("validation: the table parser reads bands and refuses a malformed row", "[validation]") {
  const std::string path = "validation_table_test.md";
  {
    std::ofstream o(path);
    o << "| chip | metric | published | cimsim | error | band |\n|---|---|---|---|---|---|\n"
         "| A | m | 1.0 (recalled) | 1.05 | +5.0 % | ±10 % |\n";
  }
  const auto r = bench::recorded_figures(path);
  REQUIRE(r.count("A | m") == 1);
  CHECK(r.at("A | m").cimsim == Approx(1.05));
  CHECK(r.at("A | m").band == Approx(0.10));
  {
    std::ofstream o(path);
    o << "| A | m | 1.0 | n/a | +5.0 % | ±10 % |\n";
  }
  CHECK_THROWS_WITH(bench::recorded_figures(path), Catch::Contains(":1: expected numbers"));
  std::remove(path.c_str());
}
