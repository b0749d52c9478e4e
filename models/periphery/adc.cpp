#include "models/periphery/adc.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/tech/tech.hpp"
#include "sim/config/schema.hpp"
#include "sim/util/rounding.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec adc_section() {
  config::SectionSpec s("adc", "Column converters: resolution, full scale, sharing, timing, energy and area");
  s.order(70).presets("adcs").models(&AdcRegistry::instance(), "sar");
  s.integer("bits", 8, "bit", "Resolution the converters are built for (the most any layer resolves)").range(1, 16);
  s.choice("full_scale", "max", {"max", "calibrated", "fixed"},
           "max: largest value a column can reach (lossless with enough bits); calibrated: a percentile "
           "of a calibration batch, per layer and slice; fixed: a given current");
  s.real("fixed_full_scale_ua", 10.0, "uA", "Full-scale input current when full_scale is fixed").above(0);
  s.real("calibration_time_s", 1.0, "s",
         "Time after programming at which calibrated full scales are measured; they stay fixed afterwards, as "
         "references set when the chip is deployed do")
      .above(0);
  s.real("calibration_percentile", 99.9, "%", "Percentile of |ADC input| that sets a calibrated full scale")
      .range(50, 100);
  s.integer("columns_per_adc", 8, "columns", "Columns sharing one ADC, converted one after another").range(1, 4096);
  s.real("conversion_time_ns", 0, "ns",
         "Duration of one conversion at `bits`, whatever the chip clock (ISAAC's 1.28 GS/s SAR: 0.78125); fewer bits "
         "take the type's share (SAR: per bit, ramp: per level, flash: the same); auto: the type's steps (SAR: "
         "bits, flash: 1, ramp: 2^bits), one clock cycle each")
      .above(0)
      .or_auto(true);
  s.choice("energy_model", "auto", {"auto", "table", "fom", "circuit"},
           "table: table_energy_pj and table_area_um2 over table_bits, scaled from table_node_nm to the tech node; "
           "fom: walden_fom_fj·2^bits with a floor; circuit: the type's converter from comparators, capacitors and "
           "counters at the tech node; auto: table for sar, circuit for flash and ramp");
  // 32 nm SAR series after Saberi et al., IEEE TCAS-I 2011; B. Murmann, ADC Performance Survey 1997-2023.
  s.integers("table_bits", {4, 5, 6, 7, 8, 9, 10}, "bit", "Resolutions of the energy/area table");
  s.reals("table_energy_pj", {0.79, 0.99, 1.20, 1.42, 1.67, 1.97, 2.38}, "pJ",
          "Energy per conversion at each table_bits (32 nm, after Saberi et al. 2011)")
      .above(0);
  s.reals("table_area_um2", {361, 477, 627, 845, 1200, 1828, 3002}, "um^2",
          "Area of one ADC at each table_bits (32 nm, after Saberi et al. 2011)")
      .above(0);
  s.real("table_node_nm", 32, "nm",
         "Technology node of the table; energies scale to the tech node as switched capacitance (F·Vdd^2) and "
         "areas as F^2 (docs/energy-area.md)")
      .above(0);
  s.real("table_vdd_v", 0.9, "V", "Supply of the table's node (32 nm: 0.9 V, CACTI 7)").above(0);
  s.choice("table_extrapolation", "log_linear", {"log_linear", "refuse"},
           "A resolution outside table_bits: extend the nearest segment log-linearly with a warning, or refuse (an "
           "error naming the bits)");
  // ISAAC's ADC: 2 mW at 1.28 GS/s, 8 bits -> 1.5625 pJ / 2^8 = 6.1 fJ per step (Shafiee et al., ISCA 2016).
  s.real("walden_fom_fj", 6.1, "fJ/step", "Walden figure of merit for energy_model fom (ISAAC's 8-bit ADC)").above(0);
  // Lower envelope of B. Murmann's ADC Performance Survey (Stanford, updated yearly): E >= 0.267 pJ.
  s.real("energy_floor_pj", 0.267, "pJ", "Energy floor for energy_model fom (survey lower envelope)").at_least(0);
  s.real("fom_area_um2", 1200, "um^2",
         "Area of one ADC for energy_model fom, at every resolution (the figure of merit says nothing of area; "
         "ISAAC's 8-bit ADC: 0.0012 mm^2)")
      .above(0);
  // Converter errors, input-referred, in LSB. Zero by default: the ideal converter of docs/design.md §4.
  s.real("offset_lsb", 0.0, "LSB", "Input-referred offset: added to every input");
  s.real("gain_error", 0.0, "1", "Relative gain error: every input is scaled by 1 + gain_error").above(-1);
  s.reals("inl_lsb", {}, "LSB",
          "Integral non-linearity: values spread evenly over the code range and interpolated (one per code when "
          "there are as many as codes); empty = none");
  s.real("noise_lsb", 0.0, "LSB", "Input-referred thermal noise std-dev, drawn on every conversion").at_least(0);
  config::SectionSpec per_layer("layer", "Per-layer resolution of a variable-precision ADC");
  per_layer.integer("bits", 8, "bit", "Bits this layer's conversions resolve (at most adc.bits)").range(1, 16);
  s.keyed("layers", per_layer,
          "Variable precision: layers named resolve fewer bits, with energy and time following the bits, e.g. "
          "layers: {fc1: {bits: 4}}");
  s.integers("significance_bits", {}, "bit",
             "Bit-significance-aware precision: the bits of each input-slice group's conversions, from the most "
             "significant group down; the last entry holds for the rest, and a layer's own resolution caps each; "
             "energy and time follow the bits, e.g. [8, 6, 4]; empty = every group at the layer's resolution");
  return s;
}
const config::SectionRegistrar registered(adc_section);

FullScale full_scale_of(const std::string& s) {
  if (s == "calibrated") return FullScale::Calibrated;
  if (s == "fixed") return FullScale::Fixed;
  return FullScale::Max;
}

}  // namespace

double interpolate_log(const std::vector<std::int64_t>& bits, const std::vector<double>& values, int at) {
  if (bits.size() == 1) return values[0];
  std::size_t hi = 1;
  while (hi + 1 < bits.size() && bits[hi] < at) ++hi;
  const std::size_t lo = hi - 1;
  const double t = static_cast<double>(at - bits[lo]) / static_cast<double>(bits[hi] - bits[lo]);
  return std::exp(std::log(values[lo]) + t * (std::log(values[hi]) - std::log(values[lo])));
}

AdcCommon AdcCommon::from(const config::Params& p) {
  AdcCommon c;
  c.bits = static_cast<int>(p.integer("bits"));
  c.full_scale = full_scale_of(p.text("full_scale"));
  c.fixed_full_scale_ua = p.real("fixed_full_scale_ua");
  c.calibration_percentile = p.real("calibration_percentile");
  c.calibration_time_s = p.real("calibration_time_s");
  c.columns_per_adc = static_cast<int>(p.integer("columns_per_adc"));
  if (!p.is_auto("conversion_time_ns")) c.conversion_time_ns = p.real("conversion_time_ns");
  c.offset_lsb = p.real("offset_lsb");
  c.gain_error = p.real("gain_error");
  c.inl_lsb = p.reals("inl_lsb");
  c.noise_lsb = p.real("noise_lsb");
  return c;
}

AdcModel::AdcModel(const config::Params& adc) : params_(adc), common_(AdcCommon::from(adc)) {
  const auto& tb = adc.integers("table_bits");
  if (tb.empty()) adc.fail("table_bits", "needs at least one entry");
  if (adc.reals("table_energy_pj").size() != tb.size()) adc.fail("table_energy_pj", "needs one entry per table_bits entry");
  if (adc.reals("table_area_um2").size() != tb.size()) adc.fail("table_area_um2", "needs one entry per table_bits entry");
  for (std::size_t i = 1; i < tb.size(); ++i)
    if (tb[i] <= tb[i - 1]) adc.fail("table_bits", "must be strictly increasing");
  for (const std::int64_t b : adc.integers("significance_bits"))
    if (b < 1 || b > common_.bits)
      adc.fail("significance_bits", "entry " + std::to_string(b) + " lies outside 1.." + std::to_string(common_.bits) +
                                        " (adc.bits, the resolution the converters are built for)");
  for (const auto& [name, layer] : adc.keyed("layers"))
    if (layer.has("bits") && layer.integer("bits") > common_.bits)
      layer.fail("bits", "exceeds adc.bits (" + std::to_string(common_.bits) +
                             "), the resolution the converters are built for");
}

void AdcModel::resolve_energy_model() {
  energy_model_ = params_.text("energy_model");
  if (energy_model_ == "auto") energy_model_ = auto_energy_model();
  // A table written for a model that will not read it is a mistake, not a preference.
  if (energy_model_ != "table")
    for (const char* key : {"table_energy_pj", "table_area_um2"})
      if (params_.given(key))
        params_.fail(key, std::string("is given but the energy model in use is ") + energy_model_ +
                              (params_.text("energy_model") == "auto" ? " (auto for " + params_.model() + ")" : "") +
                              "; set adc.energy_model: table to use it");
}

double AdcModel::step_ns(double clock_mhz) const {
  if (common_.conversion_time_ns) return *common_.conversion_time_ns / steps(bits());
  return 1e3 / clock_mhz;
}

int AdcModel::conversion_cycles() const {
  if (const char* key = ns_timing_key())
    throw config::ConfigError(params_.where(key), params_.path() + "." + key,
                              "a conversion timed in ns needs the clock to count cycles");
  return steps(bits());
}

int AdcModel::conversion_cycles_at(double clock_mhz) const {
  // The 1e-9 keeps a duration of exactly n cycles from rounding up through floating-point error.
  return static_cast<int>(std::ceil(conversion_time_ns(clock_mhz) * clock_mhz * 1e-3 - 1e-9));
}

AdcCost AdcModel::table_cost(int bits, const Tech& tech) const {
  const auto& tb = params_.integers("table_bits");
  if (bits < tb.front() || bits > tb.back()) {
    const std::string range = tb.size() == 1 ? std::to_string(tb.front())
                                             : std::to_string(tb.front()) + ".." + std::to_string(tb.back());
    const std::string what = std::to_string(bits) + " bits lies outside the table's " + range + " bits";
    if (params_.text("table_extrapolation") == "refuse")
      params_.fail("table_bits", what + ": give the table's value there, or set adc.table_extrapolation: log_linear");
    spdlog::warn("adc: {}: extrapolating the energy and area table log-linearly", what);
  }
  // Switched capacitance scales with F and the energy with Vdd²; layout with F².
  const double f = tech.node_nm / params_.real("table_node_nm");
  const double v = tech.vdd_v / params_.real("table_vdd_v");
  return {interpolate_log(tb, params_.reals("table_energy_pj"), bits) * f * v * v,
          interpolate_log(tb, params_.reals("table_area_um2"), bits) * f * f};
}

AdcCost AdcModel::cost(int bits, const Tech& tech) const {
  if (energy_model_ == "table") return table_cost(bits, tech);
  if (energy_model_ == "fom") {
    const double per_step = params_.real("walden_fom_fj") * 1e-3;
    return {std::max(params_.real("energy_floor_pj"), per_step * std::ldexp(1.0, bits)), params_.real("fom_area_um2")};
  }
  return circuit_cost(bits, tech);
}

std::int32_t AdcModel::ideal_code(double in_lsb, std::int32_t lo, std::int32_t hi) const {
  return static_cast<std::int32_t>(ideal_level(in_lsb, lo, hi));
}

double AdcCommon::inl_at(double x, std::int32_t lo, std::int32_t hi) const {
  if (inl_lsb.empty()) return 0;
  if (inl_lsb.size() == 1 || hi <= lo) return inl_lsb.front();
  const double last = static_cast<double>(inl_lsb.size() - 1);
  const double pos = std::clamp((x - lo) / (hi - lo) * last, 0.0, last);
  const auto k = std::min(static_cast<std::size_t>(pos), inl_lsb.size() - 2);
  const double w = pos - static_cast<double>(k);
  return (1 - w) * inl_lsb[k] + w * inl_lsb[k + 1];
}

void AdcModel::convert(const double* in_lsb, std::size_t n, std::int32_t lo, std::int32_t hi, const rng::Stream& noise,
                       std::uint64_t first_index, std::int32_t* codes) const {
  const AdcCommon& c = common_;
  const double dlo = lo, dhi = hi;
  if (c.ideal()) {
    // The common case, written so that it vectorises.
    for (std::size_t i = 0; i < n; ++i) codes[i] = static_cast<std::int32_t>(ideal_level(in_lsb[i], dlo, dhi));
    return;
  }
  std::vector<float> z;
  if (c.noise_lsb > 0) {
    z.resize(n);
    noise.normals_fast(first_index, n, z.data());
  }
  for (std::size_t i = 0; i < n; ++i) {
    double x = in_lsb[i] * (1 + c.gain_error) + c.offset_lsb;
    x += c.inl_at(x, lo, hi);
    if (c.noise_lsb > 0) x += c.noise_lsb * z[i];
    codes[i] = ideal_code(x, lo, hi);
  }
}

}  // namespace cimsim::models
