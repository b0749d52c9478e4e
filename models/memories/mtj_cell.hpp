#pragma once
// What the MRAM buffer technologies share: the magnetic tunnel junction that stores a bit and is
// read by current sensing, and its write pulse. Each key is declared once here, so `stt_mram`
// and `sot_mram` sections name them alike (sweeps address `global_buffer.write_pulse_ns` in both).

#include <string>

#include "models/memories/array_model.hpp"

namespace cimsim::models {

struct MemoryMtjDefaults {
  double cell_aspect;
  std::string aspect_source;
  double r_p_kohm, tmr, read_voltage_v;
  std::string mtj_source;
  double sense_ns;
  std::string sense_source;
  double write_current_ua, write_pulse_ns;
  std::string write_source;
};

struct MemoryMtj {
  double cell_aspect, r_p_kohm, tmr, read_voltage_v, sense_ns, write_current_ua, write_pulse_ns;
  static void declare(config::SectionSpec& spec, const MemoryMtjDefaults& d);
  static MemoryMtj from(const config::Params& p);
  // The array cell with everything but its transistors filled in: `area_f2` at the node, current
  // sensing between R_P and R_AP = R_P·(1 + TMR), a current-pulse write, no leakage.
  ArrayCell array_cell(const std::string& technology, double area_f2, const Tech& tech) const;
};

}  // namespace cimsim::models
