#pragma once
// The parts of report.json built in files of their own (report.cpp puts the report together), and
// what they share with it. Internal to the library.

#include <string>
#include <vector>

#include "sim/cost/cost_model.hpp"
#include "sim/run/simulation.hpp"
#include "sim/util/json.hpp"

namespace cimsim::report {

// Mean, sample standard deviation and range of xs (every one NaN when xs is empty).
struct Stats {
  double mean = 0, std = 0, min = 0, max = 0;
};
Stats stats_of(const std::vector<double>& xs);
std::vector<double> instance_accuracies(const run::Simulation& sim);

// A cost breakdown as an object of quantities in `unit`.
json::Value breakdown_json(const cost::Breakdown& b, const std::string& unit);

// Busy cycles over the cycles `units` units had; 0 with no units or no cycles.
inline double utilization(double busy, double units, double cycles) {
  return units > 0 && cycles > 0 ? busy / (units * cycles) : 0.0;
}

// "accuracy": the chip instances' accuracies, their spread, corners and worst case (accuracy_section.cpp).
json::Value accuracy_section(const run::Simulation& sim);
// "layers": one object per mapped layer: shape, mapping, area, timing, energy and actions (layers_section.cpp).
json::Value layers_section(const run::Simulation& sim);

}  // namespace cimsim::report
