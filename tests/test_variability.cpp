// Corners fix the once-per-chip draws exactly; the worst-case search finds a pattern, within its σ
// budget, that hurts accuracy far more than chance chip instances do.

#include <catch2/catch.hpp>

#include <cmath>

#include "models/cells/cell_model.hpp"
#include "sim/run/simulation.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::unique_ptr<models::CellModel> cell_from(const std::string& yaml) {
  return models::CellRegistry::instance().create(test::config_with(yaml).section("cell"));
}

}  // namespace

TEST_CASE("variability: a corner fixes every once-per-chip draw at k standard deviations", "[variability]") {
  const auto gaussian = cell_from("cell: {model: gaussian, sigma_us: 0.4}");
  const Eigen::MatrixXf target = Eigen::MatrixXf::Random(30, 20).cwiseAbs() * 20 + Eigen::MatrixXf::Constant(30, 20, 2);
  const models::DrawOverride corner{{rng::Purpose::Programming}, 2.5f, nullptr};
  const auto at_corner = gaussian->program(target, {3, 0, 1, 2, &corner}, 1);
  CHECK((at_corner.g_us.array() - (target.array() + 2.5f * 0.4f)).abs().maxCoeff() < 1e-5f);

  // PCM at corner 0: no programming error, every drift exponent at its mean μ_ν(ĝ), so
  // G(t) = G_target·((t + t0)/t0)^(−μ_ν) with μ_ν = clip(−0.0155·ln ĝ + 0.0244, 0.049, 0.1)
  // (Nandakumar et al. 2019, the IBM fit; docs/devices.md).
  const auto pcm = cell_from("cell: {preset: pcm_ibm, read_noise_scale: 0}");
  const models::DrawOverride nominal{{rng::Purpose::Programming, rng::Purpose::DriftExponent}, 0.0f, nullptr};
  const double t = 86400, t0 = 20;
  const auto dev = pcm->program(target, {3, 0, 1, 2, &nominal}, t);
  for (Eigen::Index r = 0; r < target.rows(); ++r)
    for (Eigen::Index c = 0; c < target.cols(); ++c) {
      const double g_hat = target(r, c) / 25.0;
      const double mu = std::clamp(-0.0155 * std::log(g_hat) + 0.0244, 0.049, 0.1);
      CHECK(dev.g_us(r, c) == Approx(target(r, c) * std::pow((t + t0) / t0, -mu)).epsilon(1e-4));
    }
  // A pattern fixes each device to its own value; arrays without one keep random draws.
  const std::vector<std::vector<float>> pattern = {{}, {}, std::vector<float>(600, -1.0f)};
  const models::DrawOverride shaped{{rng::Purpose::Programming}, 0.0f, &pattern};
  CHECK((gaussian->program(target, {3, 0, 1, 2, &shaped}, 1).g_us.array() - (target.array() - 0.4f)).abs().maxCoeff() < 1e-5f);
  const auto random = gaussian->program(target, {3, 0, 1, 0, &shaped}, 1);
  CHECK((random.g_us - gaussian->program(target, {3, 0, 1, 0, nullptr}, 1).g_us).cwiseAbs().maxCoeff() == 0.0f);
}

TEST_CASE("variability: the worst case within 1 sigma hurts far more than chance instances", "[variability]") {
  const auto s = run::simulate(test::config_with(
      "cell: {model: gaussian, sigma_us: 0.5}\nrun: {chip_instances: 4}\n"
      "analysis: {corners: [-2, 2], worst_case: true, worst_case_sigma: 1, worst_case_steps: 4}\n"
      "adc: {bits: 10, full_scale: max}\n"));
  double worst_instance = 1;
  for (const auto& i : s->eval.instances) worst_instance = std::min(worst_instance, i.accuracy);
  const auto& w = s->variability.worst_case;
  REQUIRE(w.run);
  CHECK(w.surrogate_loss_worst > 2 * w.surrogate_loss_nominal);
  // Random instances stay near the quantized network; the searched pattern costs far more.
  CHECK(worst_instance > s->eval.quantized_accuracy - 0.05);
  CHECK(w.accuracy < worst_instance - 0.10);
  REQUIRE(s->variability.corners.size() == 2);
  CHECK(s->variability.corners[0].sigma == -2);
}
