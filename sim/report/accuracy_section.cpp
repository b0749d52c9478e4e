// report.json's "accuracy" section: what the chip instances scored, and how far variation moves it.

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/report/sections.hpp"

namespace cimsim::report {

using json::quantity;
using json::Value;

namespace {

// Linear interpolation between order statistics (the usual "type 7" definition).
double percentile_of(std::vector<double> xs, double q) {
  if (xs.empty()) return 0;
  if (std::any_of(xs.begin(), xs.end(), [](double x) { return std::isnan(x); }))
    return std::numeric_limits<double>::quiet_NaN();  // unlabelled: no order to take
  std::sort(xs.begin(), xs.end());
  const double pos = q / 100.0 * static_cast<double>(xs.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, xs.size() - 1);
  return xs[lo] + (pos - static_cast<double>(lo)) * (xs[hi] - xs[lo]);
}

}  // namespace

Stats stats_of(const std::vector<double>& xs) {
  Stats s;
  if (xs.empty()) {  // not evaluated: nothing to say
    s.mean = s.std = s.min = s.max = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.min = s.max = xs.front();
  for (double x : xs) {
    s.mean += x;
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
  }
  s.mean /= static_cast<double>(xs.size());
  if (xs.size() > 1) {
    double v = 0;
    for (double x : xs) v += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(v / static_cast<double>(xs.size() - 1));
  }
  return s;
}

std::vector<double> instance_accuracies(const run::Simulation& sim) {
  std::vector<double> out;
  for (const auto& i : sim.eval.instances) out.push_back(i.accuracy);
  return out;
}

Value accuracy_section(const run::Simulation& sim) {
  Value acc = Value::object();
  const std::vector<double> accuracies = instance_accuracies(sim);
  const Stats s = stats_of(accuracies);
  acc.set("labelled", sim.eval.labelled);  // false: no labels, every accuracy below is null
  // full: the chip was programmed and the test set run through it; estimate: neither (run.mode).
  acc.set("mode", sim.full ? "full" : "estimate");
  acc.set("chip", quantity(s.mean, "fraction"));
  acc.set("float", quantity(sim.eval.float_accuracy, "fraction"));
  acc.set("quantized", quantity(sim.eval.quantized_accuracy, "fraction"));
  acc.set("chip_instances", quantity(static_cast<double>(sim.eval.instances.size()), "chips"));
  acc.set("chip_std", quantity(s.std, "fraction"));
  acc.set("chip_min", quantity(s.min, "fraction"));
  acc.set("chip_max", quantity(s.max, "fraction"));
  Value per = Value::array();
  for (double a : accuracies) per.push(a);
  acc.set("per_instance", std::move(per));
  acc.set("per_instance_unit", "fraction");
  Value& pct = acc["chip_percentiles"];
  for (int q : {5, 25, 50, 75, 95})
    pct.set("p" + std::to_string(q), quantity(percentile_of(accuracies, q), "fraction"));
  const auto& var = sim.variability;
  if (!var.corners.empty()) {
    Value corners = Value::array();
    for (const auto& c : var.corners) {
      Value e = Value::object();
      e.set("sigma", quantity(c.sigma, "sigma"));
      e.set("accuracy", quantity(c.accuracy, "fraction"));
      corners.push(std::move(e));
    }
    acc.set("corners", std::move(corners));
    Value vs = Value::array();
    for (const auto& v : var.corner_variations) vs.push(v);
    acc.set("corner_variations", std::move(vs));
  }
  if (var.worst_case.run) {
    const auto& w = var.worst_case;
    Value& wc = acc["worst_case"];
    wc.set("accuracy", quantity(w.accuracy, "fraction"));
    wc.set("sigma_budget", quantity(w.sigma_budget, "sigma"));
    wc.set("variation", w.variation);
    Value layers = Value::array();
    for (const auto& l : w.layers) layers.push(l);
    wc.set("layers", std::move(layers));
    wc.set("method", "projected sign-gradient ascent on the cross-entropy of the float network holding the chip's "
                     "effective weights; device sensitivities measured on the cell model; pattern evaluated on the "
                     "full engine");
    wc.set("steps", quantity(w.steps, "steps"));
    wc.set("search_samples", quantity(w.samples, "samples"));
    wc.set("surrogate_loss_nominal", quantity(w.surrogate_loss_nominal, "nats"));
    wc.set("surrogate_loss_worst", quantity(w.surrogate_loss_worst, "nats"));
  }
  acc.set("t_inference", quantity(sim.settings.t_inference_s, "s"));
  return acc;
}

}  // namespace cimsim::report
