#include "models/memories/mtj_cell.hpp"

namespace cimsim::models {

void MemoryMtj::declare(config::SectionSpec& s, const MemoryMtjDefaults& d) {
  s.real("cell_aspect", d.cell_aspect, "1", "Bit cell width / height (" + d.aspect_source + ")").above(0);
  s.real("r_p_kohm", d.r_p_kohm, "kOhm", "Parallel-state resistance of the junction (" + d.mtj_source + ")").above(0);
  s.real("tmr", d.tmr, "1", "Tunnel magnetoresistance (R_AP - R_P)/R_P (" + d.mtj_source + ")").above(0);
  s.real("read_voltage_v", d.read_voltage_v, "V", "Bias the sense amplifier's clamp holds across a cell (" + d.mtj_source + ")")
      .above(0);
  s.real("sense_ns", d.sense_ns, "ns", "Time the sense amplifier needs to tell R_P from R_AP (" + d.sense_source + ")")
      .above(0);
  s.real("write_current_ua", d.write_current_ua, "uA", "Switching current of one cell (" + d.write_source + ")").above(0);
  s.real("write_pulse_ns", d.write_pulse_ns, "ns", "Switching pulse of one cell (" + d.write_source + ")").above(0);
}

MemoryMtj MemoryMtj::from(const config::Params& p) {
  return {p.real("cell_aspect"), p.real("r_p_kohm"), p.real("tmr"),
          p.real("read_voltage_v"), p.real("sense_ns"), p.real("write_current_ua"), p.real("write_pulse_ns")};
}

ArrayCell MemoryMtj::array_cell(const std::string& technology, double area_f2, const Tech& tech) const {
  const double f_um = tech.node_nm * 1e-3;
  ArrayCell c;
  c.technology = technology;
  c.nonvolatile = true;
  c.area_um2 = area_f2 * f_um * f_um;
  c.aspect = cell_aspect;
  c.sensing = ArrayCell::Sensing::Current;
  c.read_voltage_v = read_voltage_v;
  c.low_kohm = r_p_kohm;
  c.high_kohm = r_p_kohm * (1 + tmr);
  c.sense_ns = sense_ns;
  c.full_swing_write = false;
  c.write_current_ua = write_current_ua;
  c.write_pulse_ns = write_pulse_ns;
  c.leakage_pw_per_bit = 0;
  return c;
}

}  // namespace cimsim::models
