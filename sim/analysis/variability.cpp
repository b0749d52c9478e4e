#include "sim/analysis/variability.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>

#include "sim/analysis/gradient.hpp"
#include "sim/config/schema.hpp"
#include "sim/util/parallel.hpp"

namespace cimsim::analysis {

namespace {

const std::map<std::string, rng::Purpose>& variations() {
  static const std::map<std::string, rng::Purpose> v = {
      {"programming", rng::Purpose::Programming},       {"device_spread", rng::Purpose::DeviceSpread},
      {"drift_exponent", rng::Purpose::DriftExponent},  {"relaxation", rng::Purpose::Relaxation},
      {"accumulated_noise", rng::Purpose::AccumulatedNoise}};
  return v;
}

config::SectionSpec section() {
  config::SectionSpec s("analysis", "Variability beyond chip instances: ±kσ corners and a worst-case search");
  s.order(66);
  s.reals("corners", {}, "sigma",
          "Corners to evaluate: each fixes every once-per-chip draw of corner_variations at this many "
          "standard deviations, e.g. [-3, 3]");
  s.texts("corner_variations", {"programming", "device_spread", "drift_exponent", "relaxation", "accumulated_noise"},
          "Once-per-chip variations the corners fix (programming, device_spread, drift_exponent, relaxation, "
          "accumulated_noise)");
  s.boolean("worst_case", false, "Search for the variation pattern that hurts accuracy most within worst_case_sigma");
  s.real("worst_case_sigma", 2.0, "sigma", "Budget: every device's draw stays within ± this many standard deviations")
      .above(0);
  s.choice("worst_case_variation", "programming", {"programming", "device_spread"},
           "Which per-device variation the search shapes");
  s.integer("worst_case_steps", 5, "steps", "Projected sign-gradient steps").range(1, 100);
  s.integer("worst_case_samples", 128, "samples", "Test samples the search computes its gradient on").range(1, 1 << 20);
  s.texts("worst_case_layers", {}, "Layers whose devices the search shapes; empty: every layer on arrays");
  return s;
}
const config::SectionRegistrar registered(section);

// An analysis whose draws the cell model never took from models::device_stream() would evaluate the
// nominal chip and call it a corner or a worst case.
std::string unfixable_message(const std::string& variations, const std::string& what) {
  return "the cell model draws none of these once-per-chip variations through models::device_stream(): " +
         variations + ", so " + what +
         " would only repeat the nominal chip (a model without such variation, or one that draws it from its own "
         "stream; see docs/devices.md, 'Variations an analysis can fix')";
}

// How one array's devices enter the weights: device (r, c) adds coef[c]·ΔG_device/ΔG to the integer
// weight of (output[c], row_begin + r). Reference columns hold no weight (coef 0).
struct ColumnRoles {
  std::vector<float> coef;
  std::vector<int> output;
};

ColumnRoles roles_of(const mapping::ArrayMap& a, int bits_per_cell) {
  ColumnRoles roles;
  roles.coef.assign(static_cast<std::size_t>(a.columns), 0.0f);
  roles.output.assign(static_cast<std::size_t>(a.columns), 0);
  for (const auto& r : a.readouts) {
    const float w = static_cast<float>(r.sign * std::ldexp(1.0, r.weight_slice * bits_per_cell));
    roles.coef[static_cast<std::size_t>(r.plus)] = w;
    roles.output[static_cast<std::size_t>(r.plus)] = r.output;
    if (r.minus >= 0 && r.minus != a.reference_column) {
      roles.coef[static_cast<std::size_t>(r.minus)] = -w;
      roles.output[static_cast<std::size_t>(r.minus)] = r.output;
    }
  }
  return roles;
}

WorstCaseResult worst_case(const functional::EvalSetup& e, const config::Params& p) {
  WorstCaseResult w;
  w.run = true;
  w.sigma_budget = p.real("worst_case_sigma");
  w.variation = p.text("worst_case_variation");
  w.steps = static_cast<int>(p.integer("worst_case_steps"));
  const rng::Purpose purpose = variations().at(w.variation);
  if (e.test.labels.empty()) p.fail("worst_case", "needs labelled test data (workload.labels)");
  const workload::Network& net = *e.qnet.net;
  const mapping::ChipMap& chip = e.chip;

  // Layers searched.
  std::vector<bool> chosen(net.layers.size(), false);
  const auto& names = p.texts("worst_case_layers");
  for (const auto& lm : chip.layers) {
    if (lm.kind != mapping::LayerMap::Kind::Matrix) continue;
    if (names.empty() || std::find(names.begin(), names.end(), lm.name) != names.end()) {
      chosen[static_cast<std::size_t>(lm.layer)] = true;
      w.layers.push_back(lm.name);
    }
  }
  for (const auto& n : names)
    if (std::find(w.layers.begin(), w.layers.end(), n) == w.layers.end())
      p.fail("worst_case_layers", "no layer on arrays named '" + n + "'");

  // Sensitivity of every device of the chosen layers to its draw: conductance at z = 1 minus at z = 0.
  const functional::ProgramSettings base = e.settings(0);
  std::atomic<bool> shaped{false};  // the cell model drew the variation through device_stream()
  const double delta_g = (e.cell.g_max_us() - e.cell.g_min_us()) / ((1 << chip.arch.bits_per_cell) - 1);
  std::vector<Eigen::MatrixXf> sensitivity(chip.arrays.size());
  std::vector<ColumnRoles> roles(chip.arrays.size());
  util::parallel_for(chip.arrays.size(), e.options.threads, [&](std::size_t i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    if (!chosen[static_cast<std::size_t>(a.layer)]) return;
    mapping::MatrixXu8 computed;
    const Eigen::MatrixXf target =
        (mapping::digits_of(chip, a, &e.qnet, computed).cast<float>() * static_cast<float>(delta_g)).array() +
        static_cast<float>(e.cell.g_min_us());
    models::DrawOverride at0{{purpose}, 0.0f, nullptr}, at1{{purpose}, 1.0f, nullptr};
    const auto key = [&](const models::DrawOverride* o) {
      return models::ArrayKey{base.seed, base.instance, static_cast<std::uint32_t>(a.layer), static_cast<std::uint32_t>(i), o,
                                base.temperature_k};
    };
    sensitivity[i] = e.cell.program(target, key(&at1), base.t_inference_s).g_us -
                     e.cell.program(target, key(&at0), base.t_inference_s).g_us;
    roles[i] = roles_of(a, chip.arch.bits_per_cell);
    if (at1.applied) shaped.store(true);
  });
  if (!shaped) p.fail("worst_case", unfixable_message(p.text("worst_case_variation"), "a worst-case search"));

  // The float network with the weights the chip holds: integer weights times their scales, plus
  // what the pattern's deviations add.
  std::vector<Eigen::MatrixXf> nominal(net.layers.size());
  for (const auto& q : e.qnet.layers)
    nominal[static_cast<std::size_t>(q.layer)] = (q.w_scale.cast<float>().asDiagonal() * q.w.cast<float>());
  std::vector<std::vector<float>> z(chip.arrays.size());
  for (std::size_t i = 0; i < chip.arrays.size(); ++i)
    if (sensitivity[i].size() > 0) z[i].assign(static_cast<std::size_t>(sensitivity[i].size()), 0.0f);
  auto effective = [&]() {
    std::vector<Eigen::MatrixXf> wts = nominal;
    for (std::size_t i = 0; i < chip.arrays.size(); ++i) {
      if (z[i].empty()) continue;
      const mapping::ArrayMap& a = chip.arrays[i];
      const auto& q = e.qnet.of(a.layer);
      Eigen::MatrixXf& wl = wts[static_cast<std::size_t>(a.layer)];
      for (Eigen::Index r = 0; r < a.rows; ++r)
        for (Eigen::Index c = 0; c < a.columns; ++c) {
          const float coef = roles[i].coef[static_cast<std::size_t>(c)];
          if (coef == 0.0f) continue;
          const int o = roles[i].output[static_cast<std::size_t>(c)];
          wl(o, a.row_begin + r) += static_cast<float>(q.w_scale(o) / delta_g) * coef * sensitivity[i](r, c) *
                                    z[i][static_cast<std::size_t>(r * a.columns + c)];
        }
    }
    return wts;
  };

  w.samples = static_cast<int>(std::min<std::int64_t>(p.integer("worst_case_samples"), e.test.size()));
  const Eigen::MatrixXf x = e.test.inputs.leftCols(w.samples);
  const std::vector<std::int64_t> labels(e.test.labels.begin(), e.test.labels.begin() + w.samples);
  const float k = static_cast<float>(w.sigma_budget);
  const float step = 2.0f * k / static_cast<float>(w.steps);
  for (int s = 0; s < w.steps; ++s) {
    const LossGradient g = loss_gradient(net, effective(), x, labels);
    if (s == 0) w.surrogate_loss_nominal = g.loss;
    // Each draw moves up the loss by its sign, then back into the budget.
    for (std::size_t i = 0; i < chip.arrays.size(); ++i) {
      if (z[i].empty()) continue;
      const mapping::ArrayMap& a = chip.arrays[i];
      const auto& q = e.qnet.of(a.layer);
      const Eigen::MatrixXf& gw = g.weights[static_cast<std::size_t>(a.layer)];
      for (Eigen::Index r = 0; r < a.rows; ++r)
        for (Eigen::Index c = 0; c < a.columns; ++c) {
          const float coef = roles[i].coef[static_cast<std::size_t>(c)];
          const int o = roles[i].output[static_cast<std::size_t>(c)];
          const float dz = gw(o, a.row_begin + r) * static_cast<float>(q.w_scale(o)) * coef * sensitivity[i](r, c);
          float& zi = z[i][static_cast<std::size_t>(r * a.columns + c)];
          if (dz != 0.0f) zi = std::clamp(zi + (dz > 0 ? step : -step), -k, k);
        }
    }
  }
  w.surrogate_loss_worst = loss_gradient(net, effective(), x, labels).loss;

  // The pattern on the real chip, every other draw as in instance 0.
  const models::DrawOverride pattern{{purpose}, 0.0f, &z};
  functional::ProgramSettings ps = base;
  ps.draws = &pattern;
  w.accuracy = functional::evaluate_chip(e, ps, nullptr).accuracy;
  spdlog::info("worst case within ±{} sigma of {}: accuracy {:.4f} (surrogate loss {:.4f} -> {:.4f})", w.sigma_budget,
               w.variation, w.accuracy, w.surrogate_loss_nominal, w.surrogate_loss_worst);
  return w;
}

}  // namespace

VariabilityResult analyse_variability(const functional::EvalSetup& e, const config::Params& p) {
  VariabilityResult out;
  out.corner_variations = p.texts("corner_variations");
  std::vector<rng::Purpose> purposes;
  for (const auto& v : out.corner_variations) {
    auto it = variations().find(v);
    if (it == variations().end()) {
      std::string list;
      for (const auto& kv : variations()) list += (list.empty() ? "" : ", ") + kv.first;
      p.fail("corner_variations", "unknown variation '" + v + "'; known: " + list);
    }
    purposes.push_back(it->second);
  }
  for (double k : p.reals("corners")) {
    const models::DrawOverride corner{purposes, static_cast<float>(k), nullptr};
    functional::ProgramSettings ps = e.settings(0);
    ps.draws = &corner;
    out.corners.push_back({k, functional::evaluate_chip(e, ps, nullptr).accuracy});
    if (!corner.applied) {
      std::string list;
      for (const auto& v : out.corner_variations) list += (list.empty() ? "" : ", ") + v;
      p.fail("corners", unfixable_message(list, "corners"));
    }
  }
  if (p.flag("worst_case")) out.worst_case = worst_case(e, p);
  return out;
}

}  // namespace cimsim::analysis
