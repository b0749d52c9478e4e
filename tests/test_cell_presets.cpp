// Every shipped cell preset runs a network end to end (digits MLP, 60 test images, one day after
// programming) and keeps it useful: a unit or sign error in a model would wreck the accuracy,
// which is 97 % for the float network and 10 % for a guess.

#include <catch2/catch.hpp>

#include <regex>

#include "support.hpp"

using namespace cimsim;

TEST_CASE("cell presets: each runs the digits network one day after programming", "[cells][presets]") {
  for (const std::string preset : {"pcm_ibm", "pcm_hermes", "rram_hfo2", "rram_neurram", "rram_hfox", "stt_mram"}) {
    test::TempDir dir;
    const bool binary = preset == "stt_mram";
    const auto r = test::run_cimsim({"run", test::source_dir() + "/configs/default.yaml", "--output", dir.path(),
                                     "--set", "cell={preset: " + preset + "}", "--set", "workload.samples=60", "--set",
                                     "run.t_inference_s=86400", "--set",
                                     std::string("mapping.bits_per_cell=") + (binary ? "1" : "2"), "--set",
                                     "chip.tiles=4"});
    INFO(preset << ": " << r.err);
    REQUIRE(r.status == 0);
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, std::regex(R"(accuracy\s+([0-9.]+) %)")));
    CHECK(std::stod(m[1]) >= 85.0);
  }
}
