#pragma once
// Costs of the digital and mixed-signal blocks around the arrays. Each block has its own config
// section, declared in its own file; this header gathers what the cost model reads.

#include <optional>
#include <string>

#include "sim/config/params.hpp"

namespace cimsim::models {

struct SampleHoldCost {
  double energy_fj, area_um2;
  int latency_cycles;
  static SampleHoldCost from(const config::Params& p);
};

struct ShiftAddCost {
  double energy_pj, area_um2;  // per operation; per ADC
  int latency_cycles;          // from a code leaving the ADC to its sum being updated
  static ShiftAddCost from(const config::Params& p);
};

// A cost a section pins, or empty: derived from the tech node (`auto`). 0 means zero.
using Pinned = std::optional<double>;
Pinned pinned(const config::Params& p, const std::string& key);

struct InterconnectCost {
  Pinned energy_pj_per_bit, area_mm2_per_tile;
  static InterconnectCost from(const config::Params& p);
};

// Off-chip links: static power while the chip runs, and area.
struct ChipIoCost {
  double power_mw = 0, area_mm2 = 0;
  static ChipIoCost from(const config::Params& p);
};

struct DigitalCost {
  Pinned add_energy_pj, mult_energy_pj;
  double add_area_um2;     // one adder (accumulator) unit
  int add_latency_cycles;  // one addition, e.g. one level of the row-block adder tree
  static DigitalCost from(const config::Params& p);
};

}  // namespace cimsim::models
