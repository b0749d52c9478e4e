// Pulse-width (time-coded) row driver: level u drives V_read for u unit pulses, so a read lasts
// up to (2^bits − 1) unit pulses (HERMES applies its 8-bit inputs as pulse durations; Le Gallo et
// al., Nat. Electron. 2023). The driver is on only while it pulses: its energy is its power times
// u unit pulses.

#include <algorithm>

#include "models/periphery/dac.hpp"

namespace cimsim::models {
namespace {

class PulseWidthDac final : public DacModel {
 public:
  explicit PulseWidthDac(const config::Params& p) : DacModel(p), unit_ns_(p.real("unit_pulse_ns")) {}

  double row_voltage_v(int level, double v_read) const override { return level > 0 ? v_read : 0.0; }
  double row_drive_ns(int level, double) const override { return level * unit_ns_; }
  double drive_time_ns(double read_time_ns) const override { return std::max(read_time_ns, max_level() * unit_ns_); }
  double drive_energy_pj(int level, double) const override { return power_uw() * level * unit_ns_ * 1e-3; }

 private:
  double unit_ns_;
};

config::SectionSpec spec() {
  config::SectionSpec s("pulse_width", "");
  s.real("unit_pulse_ns", 1.0, "ns",
         "Duration of one unit pulse: level u drives the row for u units; assumed one cycle of HERMES's 1 GHz "
         "clock (Le Gallo et al., Nat. Electron. 2023)")
      .above(0);
  return s;
}

const bool registered = config::register_model<DacModel>(
    {"pulse_width", "Time-coded driver: V_read for u unit pulses; a read lasts up to (2^bits-1) units", spec(),
     [](const config::Params& p) { return std::make_unique<PulseWidthDac>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
