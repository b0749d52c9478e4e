// The calibrated full scale's percentile is the exact order statistic of every ADC input, however
// the inputs are cut into chunks, whichever floors the chunks start from, and in whatever order
// they merge (sim/functional/calibration.hpp).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "crossbar_fixture.hpp"
#include "sim/functional/calibration.hpp"

using namespace cimsim;

namespace {

// The value of rank ⌈p·N⌉ − 1 (ascending) among the magnitudes, as floats.
float order_statistic(const std::vector<double>& x, double percentile) {
  std::vector<float> a;
  for (double v : x) a.push_back(static_cast<float>(std::fabs(v)));
  std::sort(a.begin(), a.end());
  const auto n = static_cast<double>(a.size());
  const auto r = static_cast<std::size_t>(std::clamp(std::ceil(percentile / 100.0 * n) - 1, 0.0, n - 1));
  return a[r];
}

}  // namespace

TEST_CASE("calibration recorder: the exact percentile whatever the chunks, their floors and their order",
          "[calibration]") {
  std::mt19937 gen(11);
  test::CrossbarFixture f(test::random_weights(gen, 16, 40, 6), 6, 4, false,
                          "mapping: {bits_per_cell: 2}\ncell: {model: ideal}\nadc: {full_scale: calibrated}\n");
  const mapping::LayerMap& lm = f.chip.layers.front();
  const mapping::ArrayMap& a = f.chip.arrays[static_cast<std::size_t>(lm.arrays.front())];
  const functional::CalibrationKey key{0, 0, a.readouts[static_cast<std::size_t>(a.conversions[0].front())].weight_slice};

  for (const double percentile : {50.0, 99.0, 99.9, 100.0})
    for (const int samples : {1, 300}) {
      CAPTURE(percentile, samples);
      const functional::CalibrationQuota quota(f.chip, samples, percentile);
      const auto n = static_cast<std::size_t>(quota.conversions(key));
      REQUIRE(n > 0);
      // Signed values with ties (whole numbers) and a spread of sizes.
      std::uniform_int_distribution<int> value(-500, 500);
      std::vector<double> x(n);
      for (auto& v : x) v = value(gen) * (gen() % 4 == 0 ? 0.25 : 1.0);
      const float want = order_statistic(x, percentile);

      // All at once.
      functional::CalibrationRecorder whole(&quota);
      whole.record(key, x.data(), static_cast<Eigen::Index>(n));
      CHECK(whole.table().at(key) == want);

      // In chunks of random sizes, each starting from the floors of the values merged so far, merged
      // in a shuffled order; twice, the second time without raising the floors.
      for (const bool raise : {true, false}) {
        std::vector<std::pair<std::size_t, std::size_t>> pieces;
        for (std::size_t at = 0; at < n;) {
          const std::size_t len = std::min<std::size_t>(n - at, 1 + gen() % 97);
          pieces.emplace_back(at, len);
          at += len;
        }
        std::shuffle(pieces.begin(), pieces.end(), gen);
        functional::CalibrationRecorder all(&quota);
        for (const auto& [at, len] : pieces) {
          functional::CalibrationRecorder chunk(&quota);
          if (raise) chunk.raise_floors(all, std::get<0>(key));
          chunk.record(key, x.data() + at, static_cast<Eigen::Index>(len));
          all.merge(std::move(chunk));
        }
        CHECK(all.table().at(key) == want);
      }
    }
}
