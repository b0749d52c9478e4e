#pragma once
// Off-chip DRAM: where activations go when the global buffer cannot hold what the schedule keeps
// at once, and where weights come from when the arrays are reprogrammed between rounds. Energy per
// bit moved and peak bandwidth of the interface (presets: configs/drams/). Off by default: a
// network whose activations do not fit is then refused, as a chip without DRAM would.

#include "sim/config/params.hpp"

namespace cimsim::models {

struct Dram {
  bool enabled = false;
  double pj_per_bit = 0;
  double bandwidth_gb_s = 0;
  static Dram from(const config::Params& section);
  // Bits the interface moves per clock cycle at `clock_mhz`.
  double bits_per_cycle(double clock_mhz) const { return bandwidth_gb_s * 8e3 / clock_mhz; }
  double ns_for(double bits) const { return bandwidth_gb_s > 0 ? bits / (bandwidth_gb_s * 8) : 0; }  // Gb/s = bit/ns
};

}  // namespace cimsim::models
