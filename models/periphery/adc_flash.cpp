// Flash ADC: all comparators at once, one step per conversion.

#include "models/periphery/adc_circuits.hpp"

namespace cimsim::models {
namespace {

class FlashAdc final : public AdcModel {
 public:
  using AdcModel::AdcModel;
  int steps(int) const override { return 1; }

 protected:
  AdcCost circuit_cost(int bits, const Tech& tech) const override { return flash_circuit(bits, tech); }
  const char* auto_energy_model() const override { return "circuit"; }
};

const bool registered = config::register_model<AdcModel>(
    {"flash", "Flash: one step per conversion; auto energy: 2^bits - 1 comparators at the node",
     config::SectionSpec("flash", ""), make_adc<FlashAdc>, ""});

}  // namespace
}  // namespace cimsim::models
