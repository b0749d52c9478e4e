#include "models/periphery/adc.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/config/schema.hpp"
#include "sim/util/rounding.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec adc_section() {
  config::SectionSpec s("adc", "Column converters: resolution, full scale, sharing, energy and area");
  s.order(70).presets("adcs").models(&AdcRegistry::instance(), "sar");
  s.integer("bits", 8, "bit", "Resolution").range(1, 16);
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
  s.choice("energy_model", "table", {"table", "fom"},
           "table: interpolate table_energy_pj over table_bits; fom: walden_fom_fj·2^bits with a floor");
  // 32 nm SAR series after Saberi et al., IEEE TCAS-I 2011.
  s.integers("table_bits", {4, 5, 6, 7, 8, 9, 10}, "bit", "Resolutions of the energy/area table");
  s.reals("table_energy_pj", {0.79, 0.99, 1.20, 1.42, 1.67, 1.97, 2.38}, "pJ",
          "Energy per conversion at each table_bits (32 nm, after Saberi et al. 2011)")
      .above(0);
  s.reals("table_area_um2", {361, 477, 627, 845, 1200, 1828, 3002}, "um^2",
          "Area of one ADC at each table_bits (32 nm, after Saberi et al. 2011)")
      .above(0);
  // ISAAC's ADC: 2 mW at 1.28 GS/s, 8 bits -> 1.5625 pJ / 2^8 = 6.1 fJ per step (Shafiee et al., ISCA 2016).
  s.real("walden_fom_fj", 6.1, "fJ/step", "Walden figure of merit for energy_model fom (ISAAC's 8-bit ADC)").above(0);
  // Lower envelope of B. Murmann's ADC Performance Survey (Stanford, updated yearly): E >= 0.267 pJ.
  s.real("energy_floor_pj", 0.267, "pJ", "Energy floor for energy_model fom (survey lower envelope)").at_least(0);
  // Converter errors, input-referred, in LSB. Zero by default: the ideal converter of docs/design.md §4.
  s.real("offset_lsb", 0.0, "LSB", "Input-referred offset: added to every input");
  s.real("gain_error", 0.0, "1", "Relative gain error: every input is scaled by 1 + gain_error").above(-1);
  s.reals("inl_lsb", {}, "LSB",
          "Integral non-linearity: values spread evenly over the code range and interpolated (one per code when "
          "there are as many as codes); empty = none");
  s.real("noise_lsb", 0.0, "LSB", "Input-referred thermal noise std-dev, drawn on every conversion").at_least(0);
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

  const auto& tb = p.integers("table_bits");
  const auto& te = p.reals("table_energy_pj");
  const auto& ta = p.reals("table_area_um2");
  if (tb.empty()) p.fail("table_bits", "needs at least one entry");
  if (te.size() != tb.size()) p.fail("table_energy_pj", "needs one entry per table_bits entry");
  if (ta.size() != tb.size()) p.fail("table_area_um2", "needs one entry per table_bits entry");
  for (std::size_t i = 1; i < tb.size(); ++i)
    if (tb[i] <= tb[i - 1]) p.fail("table_bits", "must be strictly increasing");
  c.area_um2 = interpolate_log(tb, ta, c.bits);
  c.offset_lsb = p.real("offset_lsb");
  c.gain_error = p.real("gain_error");
  c.inl_lsb = p.reals("inl_lsb");
  c.noise_lsb = p.real("noise_lsb");
  if (p.text("energy_model") == "table") {
    c.energy_pj = interpolate_log(tb, te, c.bits);
  } else {
    c.energy_pj = std::max(p.real("energy_floor_pj"), p.real("walden_fom_fj") * 1e-3 * std::ldexp(1.0, c.bits));
  }
  return c;
}

std::int32_t AdcModel::ideal_code(double in_lsb, std::int32_t lo, std::int32_t hi) const {
  const double r = std::min<double>(std::max<double>(util::round_half_away(in_lsb), lo), hi);
  return static_cast<std::int32_t>(r);
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

int AdcModel::conversion_cycles_at(double clock_mhz) const {
  // The 1e-9 keeps a duration of exactly n cycles from rounding up through floating-point error.
  return static_cast<int>(std::ceil(conversion_time_ns(clock_mhz) * clock_mhz * 1e-3 - 1e-9));
}

void AdcModel::convert(const double* in_lsb, std::size_t n, std::int32_t lo, std::int32_t hi, const rng::Stream& noise,
                       std::uint64_t first_index, std::int32_t* codes) const {
  const AdcCommon& c = common_;
  const double dlo = lo, dhi = hi;
  if (c.ideal()) {
    // The common case, written so that it vectorises.
    for (std::size_t i = 0; i < n; ++i)
      codes[i] = static_cast<std::int32_t>(std::min(std::max(util::round_half_away(in_lsb[i]), dlo), dhi));
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
