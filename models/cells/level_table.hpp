#pragma once
// Measured device data per programmed level, read from CSV or YAML: what the `table` cell model
// is built from. Every error names the file, the line and the column or key.
//
// CSV: a header naming the columns, then one row per level ('#' starts a comment):
//   g_us,sigma_us,nu_mean,nu_sigma
//   1.0,0.30,0.060,0.020
// YAML: a map with one key, `levels`, a list of maps with the same names:
//   levels:
//     - {g_us: 1.0, sigma_us: 0.30, nu_mean: 0.060, nu_sigma: 0.020}
// g_us (mean conductance, µS) and sigma_us (programming std-dev, µS) are required; nu_mean and
// nu_sigma (drift exponent mean and std-dev) default to 0. Levels ascend strictly in g_us.

#include <string>
#include <vector>

namespace cimsim::models {

struct Level {
  double g_us = 0, sigma_us = 0, nu_mean = 0, nu_sigma = 0;
};

// Reads a level table; the format follows the extension (.csv, or .yaml / .yml).
std::vector<Level> read_level_table(const std::string& path);

}  // namespace cimsim::models
