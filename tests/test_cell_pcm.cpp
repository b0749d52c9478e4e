// PCM against its fitted equations (docs/devices.md): programming error, drift and accumulated
// 1/f noise, for the IBM and HERMES presets. Tolerances: cell_support.hpp.

#include <catch2/catch.hpp>

#include "cell_support.hpp"

using namespace cimsim;
using test::moments_of;

namespace {

double ibm_sigma_prog(double g_hat) { return 0.26348 + 1.9650 * g_hat - 1.1731 * g_hat * g_hat; }

double hermes_sigma_prog(double g_hat) {
  return 0.16603222 + 4.71806468 * g_hat - 8.48101252 * g_hat * g_hat + 4.68961419 * g_hat * g_hat * g_hat;
}

}  // namespace

TEST_CASE("pcm: programming error follows sigma_prog(g) of each fit", "[cells][pcm]") {
  // Drift and 1/f noise off: the devices hold their programmed conductance.
  const auto ibm = test::cell_from("cell: {preset: pcm_ibm, drift_scale: 0, read_noise_scale: 0}");
  for (double g_hat : {0.1, 0.4, 0.7, 1.0}) {
    const double g = 25 * g_hat;
    const auto dev = ibm->program(test::constant_targets(g), {3, 0, 1, static_cast<std::uint32_t>(g_hat * 10)}, 1);
    const auto m = moments_of(dev.g_us);
    INFO("g_hat " << g_hat << " std " << m.std << " expected " << ibm_sigma_prog(g_hat));
    CHECK(std::fabs(m.mean - g) < m.mean_tolerance());
    CHECK(std::fabs(m.std - ibm_sigma_prog(g_hat)) < m.std_tolerance());
    CHECK(dev.read_sigma_us.size() == 0);
  }
  // About 1.06 uS at g = 1 (Nandakumar et al. 2019's polynomial at g = 1).
  CHECK(ibm_sigma_prog(1.0) == Approx(1.05538));

  const auto hermes = test::cell_from("cell: {preset: pcm_hermes, drift_scale: 0, read_noise_scale: 0}");
  CHECK(hermes->g_max_us() == 20.7);
  for (double g_hat : {0.3, 0.5, 0.9}) {
    const auto dev = hermes->program(test::constant_targets(20.7 * g_hat), {4, 0, 1, 2}, 1);
    const auto m = moments_of(dev.g_us);
    CHECK(std::fabs(m.std - hermes_sigma_prog(g_hat)) < m.std_tolerance());
  }
}

TEST_CASE("pcm: programming error scales with g_max against the fit's g_max", "[cells][pcm]") {
  const auto cell = test::cell_from("cell: {preset: pcm_ibm, g_max_us: 50, drift_scale: 0, read_noise_scale: 0}");
  const auto dev = cell->program(test::constant_targets(25), {5, 0, 0, 0}, 1);  // g = 0.5
  const auto m = moments_of(dev.g_us);
  CHECK(std::fabs(m.std - 2 * ibm_sigma_prog(0.5)) < m.std_tolerance());
}

TEST_CASE("pcm: mean drift factor at 24 h matches the drawn drift exponents", "[cells][pcm]") {
  const double day = 86400;
  struct Case {
    const char* preset;
    double g_max, g_hat, mu, sigma, t0;
  };
  // mu and sigma of nu from each fit's equations (docs/devices.md), worked out by hand.
  const Case cases[] = {
      {"pcm_ibm", 25, 1.0, 0.049, 0.008, 20},   // both clipped at g = 1
      {"pcm_ibm", 25, 0.2, std::clamp(-0.0155 * std::log(0.2) + 0.0244, 0.049, 0.1),
       std::clamp(-0.0125 * std::log(0.2) - 0.0059, 0.008, 0.045), 20},
      {"pcm_hermes", 20.7, 0.5, -0.0436 * 0.25 - 0.0126 * 0.5 + 0.0736, -0.0118 * 0.25 + 0.0093 * 0.5 + 0.0073, 300},
      {"pcm_hermes", 20.7, 0.05, std::clamp(-0.0387 * std::log(0.05) - 0.0182, 0.072, 0.13),
       std::clamp(-0.0117 * std::log(0.05) - 0.0057, 0.0091, 0.04), 300},
  };
  for (const Case& c : cases) {
    const auto cell = test::cell_from(std::string("cell: {preset: ") + c.preset +
                                      ", prog_noise_scale: 0, read_noise_scale: 0}");
    const double g = c.g_max * c.g_hat;
    const auto dev = cell->program(test::constant_targets(g), {6, 0, 2, 3}, day);
    const auto m = moments_of(dev.g_us / static_cast<float>(g));
    const double expected = test::expected_drift_factor(c.mu, c.sigma, day, c.t0);
    INFO(c.preset << " g_hat " << c.g_hat << " mean factor " << m.mean << " expected " << expected);
    CHECK(std::fabs(m.mean - expected) < m.mean_tolerance());
  }
  // Worked check of the drift law (docs/devices.md): nu = 0.05 leaves 0.77 of G after 1 h and 0.66 after 24 h (t0 = 20 s).
  CHECK(std::pow((3600.0 + 20) / 20, -0.05) == Approx(0.77).margin(0.005));
  CHECK(std::pow((day + 20) / 20, -0.05) == Approx(0.66).margin(0.005));
}

TEST_CASE("pcm: accumulated 1/f noise has sigma/G = Q_s(g)*sqrt(ln((t + t_read)/(2 t_read)))", "[cells][pcm]") {
  const double day = 86400;
  const double factor = std::sqrt(std::log((day + 250e-9) / (2 * 250e-9)));
  const auto once = test::cell_from("cell: {preset: pcm_ibm, prog_noise_scale: 0, drift_scale: 0}");
  for (double g_hat : {1.0, 0.25}) {
    const double q = std::min(0.0088 / std::pow(g_hat, 0.65), 0.2);
    const auto dev = once->program(test::constant_targets(25 * g_hat), {7, 0, 0, 1}, day);
    const auto m = moments_of(dev.g_us / static_cast<float>(25 * g_hat));
    INFO("g_hat " << g_hat << " sigma/G " << m.std << " expected " << q * factor);
    CHECK(std::fabs(m.mean - 1) < m.mean_tolerance());
    CHECK(std::fabs(m.std - q * factor) < m.std_tolerance());
    CHECK(dev.read_sigma_us.size() == 0);  // drawn once: every read sees the same value
  }
  // docs/devices.md: about 4.5 % at 24 h and g = 1.
  CHECK(0.0088 * factor == Approx(0.045).margin(0.001));

  // every_read: the same sigma becomes per-read noise; the conductance stays at the drifted value.
  const auto every = test::cell_from("cell: {preset: pcm_ibm, prog_noise_scale: 0, drift_scale: 0, "
                                     "read_noise_draw: every_read}");
  const auto dev = every->program(test::constant_targets(25), {7, 0, 0, 1}, day);
  CHECK((dev.g_us.array() == 25.0f).all());
  CHECK((dev.read_sigma_us.array() - static_cast<float>(25 * 0.0088 * factor)).abs().maxCoeff() < 1e-5);
}

TEST_CASE("pcm: one chip instance is the same devices at every inference time", "[cells][pcm]") {
  // Without 1/f noise, G(t) = G_prog·((t + t0)/t0)^(−ν) with ν fixed per device, so
  // ln(G(t2)/G(0)) / ln(G(t1)/G(0)) is the same for every device.
  const auto cell = test::cell_from("cell: {preset: pcm_ibm, read_noise_scale: 0}");
  const Eigen::MatrixXf target = Eigen::MatrixXf::Constant(40, 30, 12.5f);
  const models::ArrayKey key{9, 2, 1, 4};
  const auto at0 = cell->program(target, key, 0);
  const auto at1 = cell->program(target, key, 3600);
  const auto at2 = cell->program(target, key, 86400 * 30);
  const double expected = std::log((86400.0 * 30 + 20) / 20) / std::log((3600.0 + 20) / 20);
  const Eigen::ArrayXXd r = (at2.g_us.cast<double>().array() / at0.g_us.cast<double>().array()).log() /
                            (at1.g_us.cast<double>().array() / at0.g_us.cast<double>().array()).log();
  CHECK((r - expected).abs().maxCoeff() < 1e-3);
  // And the drift exponents differ between devices (sigma_nu > 0).
  const auto m = moments_of(at1.g_us);
  CHECK(m.std > 0);
  // Another instance is another chip.
  CHECK(cell->program(target, {9, 3, 1, 4}, 3600).g_us != at1.g_us);
}
