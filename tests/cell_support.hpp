#pragma once
// Helpers for the cell-model tests: build a model from YAML, sample statistics, and the expected
// drift factor of a drawn drift exponent.
//
// Tolerances: a sample mean of N independent draws with std-dev s has standard error s/sqrt(N); a
// sample std-dev of N normal draws has standard error about sigma/sqrt(2N). Checks allow 5 standard
// errors, so a correct model fails one of them with probability below 1e-6.

#include <cmath>
#include <memory>
#include <string>

#include "models/cells/cell_model.hpp"
#include "support.hpp"

namespace cimsim::test {

inline std::unique_ptr<models::CellModel> cell_from(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  const auto cfg = config_with(yaml, sets);
  return models::CellRegistry::instance().create(cfg.section("cell"));
}

struct Moments {
  double mean = 0, std = 0;
  double n = 0;
  double mean_tolerance() const { return 5 * std / std::sqrt(n); }
  // For normal samples: 5 standard errors of the sample std-dev.
  double std_tolerance() const { return 5 * std / std::sqrt(2 * n); }
};

template <class Derived>
Moments moments_of(const Eigen::DenseBase<Derived>& m) {
  const Eigen::ArrayXXd x = m.derived().template cast<double>().array();
  Moments r;
  r.n = static_cast<double>(x.size());
  r.mean = x.mean();
  r.std = std::sqrt((x - r.mean).square().sum() / (r.n - 1));
  return r;
}

// E[((t + t0)/t0)^(−|mu + sigma·z|)] for z ~ N(0, 1), by the trapezoid rule over ±10 sigma.
inline double expected_drift_factor(double mu, double sigma, double t_s, double t0_s) {
  const double log_decay = std::log((t_s + t0_s) / t0_s);
  const int n = 20000;
  const double lo = -10, step = 20.0 / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double z = lo + i * step;
    const double w = (i == 0 || i == n) ? 0.5 : 1.0;
    sum += w * std::exp(-std::fabs(mu + sigma * z) * log_decay) * std::exp(-0.5 * z * z);
  }
  return sum * step / std::sqrt(2 * M_PI);
}

inline Eigen::MatrixXf constant_targets(double g_us, Eigen::Index rows = 200, Eigen::Index cols = 250) {
  return Eigen::MatrixXf::Constant(rows, cols, static_cast<float>(g_us));
}

}  // namespace cimsim::test
