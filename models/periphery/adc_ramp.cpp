// Ramp (single-slope, time-based) ADC: a counter runs while a ramp, or a current-controlled
// oscillator, sweeps the full scale, so a conversion takes 2^bits steps. A step is one clock cycle
// (lsb_time_ps 0) or a time of its own: HERMES's CCO-based converters take 300 ps per LSB
// (Khaddam-Aljameh et al., IEEE JSSC 2022).

#include <cmath>

#include "models/periphery/adc.hpp"

namespace cimsim::models {
namespace {

class RampAdc final : public AdcModel {
 public:
  explicit RampAdc(const config::Params& p)
      : AdcModel(p), lsb_time_ps_(p.real("lsb_time_ps")), where_(p.where("lsb_time_ps")), path_(p.path()) {}

  int conversion_cycles() const override {
    if (lsb_time_ps_ > 0)
      throw config::ConfigError(where_, path_ + ".lsb_time_ps",
                                "a time per LSB needs the clock to count cycles: this timing engine asks for cycles "
                                "without it; use lsb_time_ps: 0 (one clock cycle per step)");
    return 1 << bits();
  }
  double conversion_time_ns(double clock_mhz) const override {
    if (lsb_time_ps_ > 0) return std::ldexp(lsb_time_ps_ * 1e-3, bits());
    return std::ldexp(1e3 / clock_mhz, bits());
  }

 private:
  double lsb_time_ps_;
  config::Location where_;
  std::string path_;
};

config::SectionSpec spec() {
  config::SectionSpec s("ramp", "");
  s.real("lsb_time_ps", 0.0, "ps",
         "Time of one ramp step (one LSB); 0 = one clock cycle. HERMES: 300 ps (Khaddam-Aljameh et al., JSSC 2022)")
      .at_least(0);
  return s;
}

const bool registered = config::register_model<AdcModel>(
    {"ramp", "Ramp / time-based: 2^bits steps per conversion, a step being one clock cycle or lsb_time_ps", spec(),
     [](const config::Params& p) { return std::make_unique<RampAdc>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
