#pragma once
// Magnetic tunnel junctions as crossbar cells, shared by the STT-MRAM and SOT-MRAM models: binary
// cells from R_P and TMR, lognormal device spread, relative read noise, stuck-at faults, read
// disturb, a column current limit that is flagged or clips, and the published temperature
// dependences of the junction:
//   TMR(T)      spin polarisation P(T) = P0·(1 − α·T^1.5) (thermal magnons, Shang et al., Phys.
//               Rev. B 1998), TMR = 2P²/(1 − P²) (Julliere); α fitted to CoFeB/MgO junctions of
//               604 % TMR at 300 K and 1144 % at 5 K (Ikeda et al., Appl. Phys. Lett. 2008)
//   retention   each device flips before the inference with probability 1 − exp(−t/τ),
//               τ = τ0·exp(Δ·T_ref/T) (Néel–Brown thermal activation, Brown, Phys. Rev. 1963)
// The conductance window the mapping uses is the cell's at its reference temperature; at another
// temperature the devices' anti-parallel state moves and the reads see it.

#include <string>

#include "models/cells/device_effects.hpp"

namespace cimsim::models {

struct MtjDefaults {
  double read_disturb_probability;
  std::string disturb_source;
  DeviceFacts facts;
};

// Declares every key of an MTJ cell (R_P, TMR, spread, noise, faults, disturb, current limit,
// temperature, device facts).
void declare_mtj_keys(config::SectionSpec& spec, const MtjDefaults& defaults);

class MtjDevice final : public DeviceCell {
 public:
  explicit MtjDevice(const config::Params& p);
  ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey& key, double t_inference_s) const override;
  double column_current_limit_ua() const override { return current_limit_ua_; }
  bool clips_column_current() const override { return clips_; }

  // TMR at temperature `t_k` from its value at the reference temperature.
  double tmr_at(double t_k) const;
  // Probability that a device has flipped `t_s` after programming at `t_k`.
  double retention_flip_probability(double t_s, double t_k) const;

 private:
  double r_p_kohm_, tmr_ref_, read_relative_, disturb_p_;
  std::string direction_;
  double current_limit_ua_;
  bool clips_;
  double t_ref_k_, alpha_, stability_, attempt_s_;
  DeviceSpread spread_;
  StuckAt stuck_;
};

}  // namespace cimsim::models
