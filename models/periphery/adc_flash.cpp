// Flash ADC: all comparators at once, one clock cycle per conversion.

#include "models/periphery/adc.hpp"

namespace cimsim::models {
namespace {

class FlashAdc final : public AdcModel {
 public:
  using AdcModel::AdcModel;
  int conversion_cycles() const override { return 1; }
};

const bool registered = config::register_model<AdcModel>(
    {"flash", "Flash: one clock cycle per conversion", config::SectionSpec("flash", ""),
     [](const config::Params& p) { return std::make_unique<FlashAdc>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
