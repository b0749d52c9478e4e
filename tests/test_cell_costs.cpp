// What every physical cell model reports beside its conductances: write cost from
// program-and-verify, endurance, read latency and area, from its keys and presets.

#include <catch2/catch.hpp>

#include "cell_support.hpp"

using namespace cimsim;

TEST_CASE("cell costs: program-and-verify pulses, energy and time per level", "[cells][costs]") {
  const auto cell = test::cell_from("cell: {preset: rram_hfo2, write_pulses_level: 12}");
  // The lowest level is one reset pulse; any other level the mean program-and-verify pulses.
  const auto low = cell->write_cost(50);
  CHECK(low.characterised);
  CHECK(low.pulses == 1);
  CHECK(low.energy_pj == Approx(10));
  CHECK(low.time_ns == Approx(10));
  const auto level = cell->write_cost(137.5);
  CHECK(level.pulses == 12);
  CHECK(level.energy_pj == Approx(120));
  CHECK(level.time_ns == Approx(120));
  // Without a pulse count (the fits publish none) the cost is not characterised, not zero.
  CHECK_FALSE(test::cell_from("cell: {preset: rram_hfo2}")->write_cost(137.5).characterised);
  CHECK_FALSE(test::cell_from("cell: {model: ideal}")->write_cost(10).characterised);
}

TEST_CASE("cell costs: binary STT-MRAM writes one pulse per state", "[cells][costs]") {
  const auto cell = test::cell_from("cell: {preset: stt_mram, write_pulse_energy_pj: 0.5, write_pulse_ns: 10}");
  for (double g : {cell->g_min_us(), cell->g_max_us()}) {
    const auto w = cell->write_cost(g);
    CHECK(w.characterised);
    CHECK(w.pulses == 1);
    CHECK(w.energy_pj == Approx(0.5));
  }
}

TEST_CASE("cell costs: presets carry endurance, latency and area", "[cells][costs]") {
  struct Expect {
    const char* preset;
    double endurance, latency_ns, area_f2;
  };
  for (const Expect& e : {Expect{"pcm_ibm", 1e6, 0, 25}, Expect{"pcm_hermes", 1e6, 0, 25},
                          Expect{"rram_hfo2", 1e6, 10, 12}, Expect{"rram_neurram", 1e6, 10, 12},
                          Expect{"rram_hfox", 1e6, 10, 12}, Expect{"stt_mram", 1e12, 10, 45}}) {
    const auto cell = test::cell_from(std::string("cell: {preset: ") + e.preset + "}");
    INFO(e.preset);
    CHECK(cell->endurance_writes() == e.endurance);
    CHECK(cell->read_latency_ns() == e.latency_ns);
    CHECK(cell->area_f2() == e.area_f2);
  }
}
