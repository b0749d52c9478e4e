// Ramp (single-slope, time-based) ADC: a counter runs while a ramp, or a current-controlled
// oscillator, sweeps the full scale, so a conversion takes 2^bits steps. A step is one clock cycle,
// a time of its own (lsb_time_ps: HERMES's CCO-based converters take 300 ps per LSB;
// Khaddam-Aljameh et al., IEEE JSSC 2022), or adc.conversion_time_ns / 2^bits.

#include <cmath>

#include "models/periphery/adc_circuits.hpp"

namespace cimsim::models {
namespace {

class RampAdc final : public AdcModel {
 public:
  explicit RampAdc(const config::Params& p) : AdcModel(p), lsb_time_ps_(p.real("lsb_time_ps")) {
    if (lsb_time_ps_ > 0 && common().conversion_time_ns)
      p.fail("lsb_time_ps", "and adc.conversion_time_ns both time the conversion; give one of them");
  }
  int steps(int bits) const override { return 1 << bits; }
  double step_ns(double clock_mhz) const override {
    return lsb_time_ps_ > 0 ? lsb_time_ps_ * 1e-3 : AdcModel::step_ns(clock_mhz);
  }
  const char* ns_timing_key() const override { return lsb_time_ps_ > 0 ? "lsb_time_ps" : AdcModel::ns_timing_key(); }

 protected:
  AdcCost circuit_cost(int bits, const Tech& tech) const override { return ramp_circuit(bits, tech); }
  const char* auto_energy_model() const override { return "circuit"; }

 private:
  double lsb_time_ps_;
};

config::SectionSpec spec() {
  config::SectionSpec s("ramp", "");
  s.real("lsb_time_ps", 0.0, "ps",
         "Time of one ramp step (one LSB); 0 = one clock cycle, or adc.conversion_time_ns / 2^bits when that is "
         "given. HERMES: 300 ps (Khaddam-Aljameh et al., JSSC 2022)")
      .at_least(0);
  return s;
}

const bool registered = config::register_model<AdcModel>(
    {"ramp", "Ramp / time-based: 2^bits steps per conversion; auto energy: a comparator and a counter at the node",
     spec(), make_adc<RampAdc>, ""});

}  // namespace
}  // namespace cimsim::models
