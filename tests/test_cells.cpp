// Cell models against their equations, with tolerances from the sample size.

#include <catch2/catch.hpp>

#include <cmath>

#include "models/cells/cell_model.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::unique_ptr<models::CellModel> cell_from(const std::string& yaml) {
  const auto cfg = test::config_with(yaml);
  return models::CellRegistry::instance().create(cfg.section("cell"));
}

struct Moments {
  double mean = 0, std = 0;
};

Moments moments(const Eigen::MatrixXf& m) {
  Moments r;
  r.mean = m.cast<double>().mean();
  r.std = std::sqrt((m.cast<double>().array() - r.mean).square().sum() / (m.size() - 1));
  return r;
}

}  // namespace

TEST_CASE("cells: ideal cells keep their targets and read without noise", "[cells]") {
  const auto cell = cell_from("cell: {model: ideal, g_min_us: 1, g_max_us: 20}");
  const Eigen::MatrixXf target = Eigen::MatrixXf::Random(50, 40).cwiseAbs() * 20;
  const auto dev = cell->program(target, {1, 0, 0, 0}, 3600);
  CHECK(dev.g_us == target);
  CHECK(dev.read_sigma_us.size() == 0);
  CHECK(cell->g_min_us() == 1);
  CHECK(cell->g_max_us() == 20);
}

TEST_CASE("cells: gaussian programming error has the configured mean and sigma", "[cells]") {
  const double sigma = 0.8, g = 12.5;
  const auto cell = cell_from("cell: {model: gaussian, sigma_us: 0.8}");
  const Eigen::MatrixXf target = Eigen::MatrixXf::Constant(400, 250, static_cast<float>(g));  // N = 100000
  const auto dev = cell->program(target, {42, 0, 3, 7}, 1);
  const Moments m = moments(dev.g_us);
  const double n = static_cast<double>(target.size());
  // 5 standard errors: the mean's is sigma/sqrt(N), the sample sigma's about sigma/sqrt(2N).
  CHECK(std::fabs(m.mean - g) < 5 * sigma / std::sqrt(n));
  CHECK(std::fabs(m.std - sigma) < 5 * sigma / std::sqrt(2 * n));
}

TEST_CASE("cells: relative programming error and read noise scale with G", "[cells]") {
  const auto cell = cell_from("cell: {model: gaussian, sigma_us: 0, sigma_relative: 0.05, read_noise_relative: 0.02}");
  const double n = 100000;
  for (double g : {5.0, 20.0}) {
    const Eigen::MatrixXf target = Eigen::MatrixXf::Constant(200, 500, static_cast<float>(g));
    const auto dev = cell->program(target, {1, 0, 0, static_cast<std::uint32_t>(g)}, 1);
    const Moments m = moments(dev.g_us);
    CHECK(std::fabs(m.std - 0.05 * g) < 5 * 0.05 * g / std::sqrt(2 * n));
    // Read noise is 2 % of each device's own conductance.
    CHECK((dev.read_sigma_us - dev.g_us * 0.02f).cwiseAbs().maxCoeff() < 1e-6);
  }
}

TEST_CASE("cells: draws depend on the array key only, not on when they are made", "[cells]") {
  const auto cell = cell_from("cell: {model: gaussian, sigma_us: 1}");
  const Eigen::MatrixXf target = Eigen::MatrixXf::Constant(30, 30, 10);
  const auto a = cell->program(target, {5, 0, 1, 2}, 1);
  const auto b = cell->program(target, {5, 0, 1, 2}, 1);
  const auto other_instance = cell->program(target, {5, 1, 1, 2}, 1);
  const auto other_seed = cell->program(target, {6, 0, 1, 2}, 1);
  CHECK(a.g_us == b.g_us);
  CHECK(a.g_us != other_instance.g_us);
  CHECK(a.g_us != other_seed.g_us);
  // Different instances are uncorrelated: the correlation of their errors is within 5/sqrt(N) of 0.
  const Eigen::ArrayXf ea = (a.g_us.array() - 10).reshaped(), eb = (other_instance.g_us.array() - 10).reshaped();
  const double corr = (ea * eb).mean() / std::sqrt(ea.square().mean() * eb.square().mean());
  CHECK(std::fabs(corr) < 5.0 / std::sqrt(900.0));
}
