// Successive-approximation ADC: one comparison per bit, so `bits` clock cycles per conversion.

#include "models/periphery/adc.hpp"

namespace cimsim::models {
namespace {

class SarAdc final : public AdcModel {
 public:
  using AdcModel::AdcModel;
  int conversion_cycles() const override { return bits(); }
};

const bool registered = config::register_model<AdcModel>(
    {"sar", "Successive approximation: one clock cycle per bit", config::SectionSpec("sar", ""),
     [](const config::Params& p) { return std::make_unique<SarAdc>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
