#pragma once
// Beyond Monte Carlo over chip instances: deterministic ±kσ corners of the once-per-chip
// variations, and a search for the variation pattern that hurts accuracy most within a σ budget.
//
// Worst case: every device of the chosen layers gets its variation draw z in [−k, k] (k = the
// budget; 0 is the nominal device, ±1 one standard deviation). How a device's conductance moves
// with its draw is measured on the model itself (programming at z = 0 and z = 1), and how the
// loss moves with the conductances comes from back-propagation through the float network with
// the weights the chip effectively holds. Projected sign-gradient ascent on the loss over a batch
// of test samples then picks the pattern, and the full engine evaluates it on the whole test set.

#include <string>
#include <vector>

#include "sim/config/params.hpp"
#include "sim/functional/evaluate.hpp"

namespace cimsim::analysis {

struct CornerResult {
  double sigma = 0;  // every once-per-chip draw fixed at this many standard deviations
  double accuracy = 0;
};

struct WorstCaseResult {
  bool run = false;
  double sigma_budget = 0;
  std::string variation;
  std::vector<std::string> layers;
  int steps = 0, samples = 0;
  double surrogate_loss_nominal = 0, surrogate_loss_worst = 0;  // float network, search batch
  double accuracy = 0;                                          // full engine, whole test set
};

struct VariabilityResult {
  std::vector<std::string> corner_variations;
  std::vector<CornerResult> corners;
  WorstCaseResult worst_case;
};

// Runs what the `analysis` section asks for.
VariabilityResult analyse_variability(const functional::EvalSetup& setup, const config::Params& analysis);

}  // namespace cimsim::analysis
