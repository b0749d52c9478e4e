// The read energy of shape-only runs (benchmarks, validation) is what the functional engine
// measures when every weight digit and every input slice digit is uniform over its range.

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "crossbar_fixture.hpp"
#include "models/periphery/dac.hpp"
#include "sim/cost/activity_estimate.hpp"

using namespace cimsim;

namespace {

// 5-bit weights whose magnitude is uniform over 0 … 15, so that both 2-bit digits of a
// differential pair's magnitude cell are uniform (a symmetric uniform W would make 0 half as
// likely as each other magnitude).
workload::MatrixXi32 uniform_digit_weights(std::mt19937& gen, int out, int in) {
  std::uniform_int_distribution<int> magnitude(0, 15), sign(0, 1);
  workload::MatrixXi32 w(out, in);
  for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = (sign(gen) ? -1 : 1) * magnitude(gen);
  return w;
}

struct Ratios {
  std::vector<double> cells, drivers;
};

// Measured over estimated energy, one entry per independent draw of weights and inputs.
Ratios measured_over_estimated(const std::string& dac_yaml, int draws) {
  const std::string yaml = "mapping: {bits_per_cell: 2, encoding: differential}\n"
                           "array: {rows: 64, cols: 128}\n"
                           "cell: {model: ideal, g_min_us: 1.7, g_max_us: 25}\n"
                           "adc: {full_scale: max}\n" + dac_yaml;
  Ratios r;
  for (int d = 0; d < draws; ++d) {
    std::mt19937 gen(1000 + d);
    const int batch = 40;
    test::CrossbarFixture f(uniform_digit_weights(gen, 24, 100), 5, 4, false, yaml);
    const auto dac = models::DacRegistry::instance().create(f.cfg.section("dac"));
    const double read_ns = functional::array_read_ns(*dac, *f.cell, f.chip.arch.read_time_ns);
    const auto drive = functional::DriveLevels::of(dac.get(), dac->bits(), f.chip.arch.read_voltage_v, read_ns);
    functional::Activity measured;
    f.multiply(test::random_codes(gen, f.layer(), batch), &measured, &drive);
    const functional::ActionCounts estimate = cost::uniform_activity(f.chip, *f.cell, drive).total();
    REQUIRE(estimate.cell_energy_pj > 0);
    REQUIRE(estimate.dac_energy_pj > 0);
    r.cells.push_back(measured.total().cell_energy_pj / (batch * estimate.cell_energy_pj));
    r.drivers.push_back(measured.total().dac_energy_pj / (batch * estimate.dac_energy_pj));
  }
  return r;
}

// The mean is 1 within four standard errors of the sample.
void check_mean_is_one(const std::vector<double>& x) {
  double mean = 0, var = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  for (double v : x) var += (v - mean) * (v - mean);
  const double se = std::sqrt(var / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
  INFO("mean " << mean << ", standard error " << se);
  CHECK(std::fabs(mean - 1) <= 4 * se + 1e-6);
}

}  // namespace

TEST_CASE("activity estimate: shape-only read energy is the functional engine's on uniform digits", "[cost]") {
  SECTION("amplitude-coded inputs: every level costs its driver the same") {
    const Ratios r = measured_over_estimated("dac: {model: voltage, bits: 2, power_uw: 3.9}\n", 16);
    check_mean_is_one(r.cells);
    for (double v : r.drivers) CHECK(v == Approx(1).epsilon(1e-5));  // single-precision sums
  }
  SECTION("time-coded inputs: cells and drivers cost in proportion to the level") {
    const Ratios r = measured_over_estimated("dac: {model: pulse_width, bits: 2, power_uw: 3.9, unit_pulse_ns: 40}\n", 16);
    check_mean_is_one(r.cells);
    check_mean_is_one(r.drivers);
  }
}
