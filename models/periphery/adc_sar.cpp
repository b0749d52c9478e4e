// Successive-approximation ADC: one comparison per bit, so `bits` steps per conversion.

#include "models/periphery/adc_circuits.hpp"

namespace cimsim::models {
namespace {

class SarAdc final : public AdcModel {
 public:
  explicit SarAdc(const config::Params& p) : AdcModel(p), unit_cap_ff_(p.real("unit_cap_ff")) {}
  int steps(int bits) const override { return bits; }

 protected:
  AdcCost circuit_cost(int bits, const Tech& tech) const override { return sar_circuit(bits, tech, unit_cap_ff_); }
  const char* auto_energy_model() const override { return "table"; }

 private:
  double unit_cap_ff_;
};

config::SectionSpec spec() {
  config::SectionSpec s("sar", "");
  s.real("unit_cap_ff", 1.0, "fF",
         "Unit capacitor of the binary-weighted DAC for energy_model circuit; 1 fF is an assumption (SAR DACs are "
         "sized by matching and kT/C), set it from your design")
      .above(0);
  return s;
}

const bool registered = config::register_model<AdcModel>(
    {"sar", "Successive approximation: one step per bit; auto energy: the table (Saberi et al. 2011 series)", spec(),
     make_adc<SarAdc>, ""});

}  // namespace
}  // namespace cimsim::models
