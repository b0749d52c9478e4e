// Device physics added with the memory technologies: temperature (PCM drift, MTJ TMR and
// retention, RRAM noise), SOT-MRAM and FeFET cells, write costs of the shipped presets, and
// determinism with every new effect on.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::unique_ptr<models::CellModel> cell(const std::string& yaml) {
  return models::CellRegistry::instance().create(test::config_with("cell: " + yaml + "\n").section("cell"));
}

models::ArrayKey key_at(double kelvin, std::uint32_t array = 0) {
  models::ArrayKey k{17, 0, 0, array};
  k.temperature_k = kelvin;
  return k;
}

double mean(const Eigen::MatrixXf& m) { return static_cast<double>(m.mean()); }

}  // namespace

TEST_CASE("temperature: PCM drifts as at the fit's temperature for an Arrhenius-equivalent time", "[temperature][pcm]") {
  // No programming error, no 1/f noise, one drift exponent: G(t) = G_t ((t_eq + t0)/t0)^-nu with
  // t_eq = (f0 t)^(T/T_ref)/f0 (Ielmini et al., Appl. Phys. Lett. 2008).
  const auto c = cell("{preset: pcm_ibm, prog_noise_scale: 0, read_noise_scale: 0, drift_nu_mean_clip: [0.05, 0.05], "
                      "drift_nu_sigma_clip: [0, 0]}");
  const Eigen::MatrixXf target = Eigen::MatrixXf::Constant(8, 8, 20.0f);
  const double t = 3600, f0 = 1e13, t0 = 20;
  for (double kelvin : {300.0, 330.0, 360.0}) {
    const double t_eq = std::exp(kelvin / 300 * std::log(f0 * t)) / f0;
    const double expected = 20 * std::pow((t_eq + t0) / t0, -0.05);
    INFO(kelvin << " K");
    CHECK(mean(c->program(target, key_at(kelvin), t).g_us) == Approx(expected).epsilon(1e-5));
  }
}

TEST_CASE("temperature: the MTJ's TMR follows the magnon law through Ikeda et al.'s two points", "[temperature][mram]") {
  // Fitted to 604 % at 300 K and 1144 % at 5 K (CoFeB/MgO, Ikeda et al., APL 2008): a junction
  // given with TMR 6.04 at 300 K has about 11.44 at 5 K.
  const auto c = cell("{model: stt_mram, tmr: 6.04, d2d_sigma: 0, read_noise_relative: 0, stuck_sa0_rate: 0, "
                      "stuck_sa1_rate: 0, read_disturb_probability: 0}");
  const auto& mtj = *c;
  const Eigen::MatrixXf zeros = Eigen::MatrixXf::Constant(4, 4, static_cast<float>(mtj.g_min_us()));
  const double g_ap_5k = mean(mtj.program(zeros, key_at(5), 1).g_us);
  const double r_p = 3.0;
  CHECK(1e3 / g_ap_5k / r_p - 1 == Approx(11.44).epsilon(0.02));
  // Warmer junctions lose TMR: the anti-parallel state conducts more.
  const double g_ap_400k = mean(mtj.program(zeros, key_at(400), 1).g_us);
  CHECK(g_ap_400k > mtj.g_min_us() * 1.05);
  CHECK(mean(mtj.program(zeros, key_at(300), 1).g_us) == Approx(mtj.g_min_us()).epsilon(1e-6));
}

TEST_CASE("temperature: MTJ retention flips devices at the Neel-Brown rate", "[temperature][mram]") {
  // Thermal stability 30 at 300 K: tau = 1 ns e^(30 T_ref/T); at 400 K, 22.5 kT: tau = 5.9 ms.
  const auto c = cell("{model: stt_mram, thermal_stability: 30, d2d_sigma: 0, read_noise_relative: 0, stuck_sa0_rate: 0, "
                      "stuck_sa1_rate: 0, read_disturb_probability: 0}");
  const Eigen::MatrixXf ones = Eigen::MatrixXf::Constant(100, 100, static_cast<float>(c->g_max_us()));
  const double t = 0.005;
  const double p = -std::expm1(-t / (1e-9 * std::exp(30.0 * 300 / 400)));
  const auto dev = c->program(ones, key_at(400), t);
  const double flipped = ((dev.g_us.array() < static_cast<float>(c->g_max_us()) * 0.9f).cast<double>()).sum();
  const double n = 1e4, sd = std::sqrt(n * p * (1 - p));
  CHECK(std::fabs(flipped - n * p) < 5 * sd);
  CHECK(flipped > 0);
  // At room temperature nothing flips in that time.
  const auto cold = c->program(ones, key_at(300), t);
  CHECK((cold.g_us.array() == static_cast<float>(c->g_max_us())).all());
}

TEST_CASE("temperature: RRAM read and 1/f noise grow as the square root of T", "[temperature][rram]") {
  const auto c = cell("{preset: rram_hfox}");
  const Eigen::MatrixXf target = Eigen::MatrixXf::Constant(4, 4, 50.0f);
  const auto room = c->program(target, key_at(300), 86400);
  const auto hot = c->program(target, key_at(400), 86400);
  // The 1/f noise is drawn once per device: the same draws, scaled by sqrt(400/300).
  const auto nf = cell("{preset: rram_hfox, read_noise_1f_us: 0}");
  const Eigen::MatrixXf base = nf->program(target, key_at(300), 86400).g_us;
  const Eigen::MatrixXf d_room = room.g_us - base, d_hot = hot.g_us - nf->program(target, key_at(400), 86400).g_us;
  CHECK(d_hot.norm() / d_room.norm() == Approx(std::sqrt(400.0 / 300)).epsilon(1e-4));
  const auto neurram = cell("{preset: rram_neurram}");
  CHECK(neurram->program(target, key_at(400), 1).read_sigma_us.mean() /
            neurram->program(target, key_at(300), 1).read_sigma_us.mean() ==
        Approx(std::sqrt(400.0 / 300)).epsilon(1e-4));
}

TEST_CASE("temperature: run.temperature_k reaches every model that has a temperature dependence", "[temperature]") {
  // The cells' read energy follows their conductances: a hot PCM has drifted further (less
  // current), a hot MTJ has lost TMR (its anti-parallel cells conduct more), a hot RRAM's noise
  // moves its conductances.
  auto cell_energy = [](const std::string& cell_yaml, int kelvin) {
    const auto s = run::simulate(test::config_with("workload: {samples: 8}\nrun: {t_inference_s: 86400, temperature_k: " +
                                                   std::to_string(kelvin) + "}\ncell: " + cell_yaml + "\n"));
    return s->eval.instances[0].activity.layers[0].cell_energy_pj;
  };
  CHECK(cell_energy("{preset: pcm_ibm}", 360) < cell_energy("{preset: pcm_ibm}", 300));
  CHECK(cell_energy("{preset: stt_mram}\nmapping: {bits_per_cell: 1}", 360) >
        cell_energy("{preset: stt_mram}\nmapping: {bits_per_cell: 1}", 300));
  CHECK(cell_energy("{preset: sot_mram}\nmapping: {bits_per_cell: 1}", 360) >
        cell_energy("{preset: sot_mram}\nmapping: {bits_per_cell: 1}", 300));
  CHECK(cell_energy("{preset: rram_hfox}", 360) != cell_energy("{preset: rram_hfox}", 300));
  // Models without a published dependence do not move.
  CHECK(cell_energy("{preset: fefet_mlc}", 360) == cell_energy("{preset: fefet_mlc}", 300));
}

TEST_CASE("cells: SOT-MRAM reads without disturb and writes faster and cheaper than STT-MRAM", "[cells][mram]") {
  const auto sot = cell("{preset: sot_mram}");
  const auto stt = cell("{preset: stt_mram}");
  const Eigen::MatrixXf t = Eigen::MatrixXf::Constant(8, 8, static_cast<float>(sot->g_max_us()));
  CHECK(sot->program(t, key_at(300), 1).disturb_probability.size() == 0);
  CHECK(stt->program(t, key_at(300), 1).disturb_probability.size() > 0);
  const auto ws = sot->write_cost(sot->g_max_us()), wt = stt->write_cost(stt->g_max_us());
  REQUIRE(ws.characterised);
  REQUIRE(wt.characterised);
  CHECK(ws.time_ns < wt.time_ns);
  CHECK(ws.energy_pj < wt.energy_pj);
  CHECK(sot->area_f2() > stt->area_f2());
}

TEST_CASE("cells: every shipped preset loads; write costs are given or said to be missing", "[cells][presets]") {
  // Cited write pulses (docs/devices.md): NVSim's STT-RAM cell, the assumed SOT pulse, NVMExplorer's
  // FeFET cell; the PCM and RRAM fits publish no pulse counts, so their presets say so.
  struct Preset {
    const char* name;
    bool characterised;
    double energy_pj, time_ns;
  };
  for (const Preset& p : {Preset{"pcm_ibm", false, 0, 0}, Preset{"pcm_hermes", false, 0, 0}, Preset{"rram_hfo2", false, 0, 0},
                          Preset{"rram_hfox", false, 0, 0}, Preset{"rram_neurram", false, 0, 0},
                          Preset{"stt_mram", true, 0.194, 5}, Preset{"sot_mram", true, 0.1, 1},
                          Preset{"fefet_mlc", true, 0.0029, 20}}) {
    INFO(p.name);
    const auto c = cell(std::string("{preset: ") + p.name + "}");
    const auto w = c->write_cost(c->g_max_us());
    CHECK(w.characterised == p.characterised);
    if (p.characterised) {
      CHECK(w.energy_pj == Approx(p.energy_pj));
      CHECK(w.time_ns == Approx(p.time_ns));
    }
  }
  const auto fefet = cell("{preset: fefet_mlc}");
  CHECK(fefet->max_bits_per_cell() == 5);
  CHECK(fefet->write_cost(fefet->g_max_us()).energy_pj == Approx(0.0029));
  CHECK(fefet->endurance_writes() == 5e6);
}

TEST_CASE("determinism: every new effect on, identical reports at 1 and 2 threads", "[determinism][memories]") {
  // Each config turns on a set of the effects (temperature on every model that has one, IR drop by
  // both solvers, current clipping, the SOT-MRAM and FeFET cells, MRAM buffers, DRAM spills and
  // weights streamed from DRAM). The checks below make sure the temperature and the DRAM traffic
  // are at work; tests/test_ir_drop.cpp shows that the IR drop and clipping change the reads.
  auto at = [](int kelvin, int chips = 2) {
    return "run: {batch_size: 16, t_inference_s: 3600, temperature_k: " + std::to_string(kelvin) +
           ", chip_instances: " + std::to_string(chips) + "}\nworkload: {samples: 64}\n";
  };
  const std::vector<std::string> configs = {
      at(380) +
      "cell: {preset: stt_mram, thermal_stability: 25, column_current_limit_ua: 300, column_current_effect: clip}\n"
      "mapping: {bits_per_cell: 1}\n"
      "ir_drop: {solver: auto, exact_max_cells: 2048}\n"
      "tile_buffer: {model: sot_mram}\nglobal_buffer: {preset: vgsot_mram}\n"
      "chip: {global_buffer_kib: 0.1}\ndram: {preset: hbm2}\n",
      // The exact solve on arrays small enough for it.
      at(350, 1) + "cell: {preset: sot_mram, thermal_stability: 28}\nmapping: {bits_per_cell: 1}\n"
      "array: {rows: 32, cols: 32}\nir_drop: {solver: exact}\ntile_buffer: {model: stt_mram}\nglobal_buffer: {model: sot_mram}\n",
      at(330) + "cell: {preset: fefet_mlc}\nmapping: {bits_per_cell: 2}\nir_drop: {solver: fast}\n"
      "chip: {tiles: 1, reprogram: true, global_buffer_kib: 0.1}\ndram: {preset: ddr4}\n",
      at(340) + "cell: {preset: pcm_ibm}\nmapping: {bits_per_cell: 2}\nir_drop: {solver: fast}\n",
      at(360) + "cell: {preset: rram_hfox}\nmapping: {bits_per_cell: 2}\nir_drop: {solver: auto}\n"};
  for (const std::string& yaml : configs) {
    INFO(yaml);
    auto simulate = [&](int threads) {
      return run::simulate(test::config_with(yaml, {"run.threads=" + std::to_string(threads)}));
    };
    const auto one = simulate(1), two = simulate(2);
    CHECK(report::build_json(*one).dump(2) == report::build_json(*two).dump(2));
    // The effects are on: the temperature is not the fits', and DRAM is used where configured.
    CHECK(one->settings.temperature_k != 300);
    if (yaml.find("dram") != std::string::npos) {
      std::int64_t dram_bits = 0;
      for (const auto& l : one->timing.layers) dram_bits += l.traffic.dram_read_bits + l.traffic.dram_write_bits;
      CHECK(dram_bits > 0);
      if (yaml.find("reprogram") != std::string::npos) CHECK(one->programming.dram_bits > 0);
    }
  }
}
