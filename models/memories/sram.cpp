// SRAM buffers: 6T cells on the node's bit cell, voltage-sensed bit lines, full-swing writes, and
// cells that leak whenever the buffer holds data (SRAM cannot be power-gated without losing it).
// The cell's read current is the access and pull-down transistors in series at the supply.

#include <cmath>

#include "models/memories/array_model.hpp"

namespace cimsim::models {

namespace {

class SramMemory final : public MemoryModel {
 public:
  explicit SramMemory(const config::Params& p)
      : cell_um2_(p.real("cell_um2")),
        aspect_(p.real("cell_aspect")),
        access_f_(p.real("access_width_f")),
        pulldown_f_(p.real("pulldown_width_f")),
        swing_v_(p.real("bitline_swing_v")) {}

  MemoryFigures figures(const MemoryRequest& r, const Tech& t) const override {
    const double f_um = t.node_nm * 1e-3;
    ArrayCell c;
    c.technology = "sram";
    c.nonvolatile = false;
    c.area_um2 = cell_um2_ > 0 ? cell_um2_ : t.sram_cell_um2;
    c.aspect = aspect_;
    c.read_gate_um = c.write_gate_um = 2 * access_f_ * f_um;  // two access transistors per word line
    c.read_drain_um = c.write_drain_um = access_f_ * f_um;
    c.sensing = ArrayCell::Sensing::Voltage;
    const double r_series_ohm = t.nmos_r_ohm_um / (access_f_ * f_um) + t.nmos_r_ohm_um / (pulldown_f_ * f_um);
    c.read_current_ua = t.vdd_v / r_series_ohm * 1e6;
    c.bitline_swing_v = swing_v_;
    c.full_swing_write = true;
    c.leakage_pw_per_bit = t.sram_leakage_pw_per_bit;
    return evaluate_array(c, r, t);
  }

 private:
  double cell_um2_, aspect_, access_f_, pulldown_f_, swing_v_;
};

config::SectionSpec spec() {
  config::SectionSpec s("sram", "");
  s.real("cell_um2", 0, "um^2", "Bit cell area; 0 = the tech node's sram_cell_um2 (a published 6T cell of that node)")
      .at_least(0);
  s.real("cell_aspect", 1.46, "1", "Bit cell width / height (CACTI 7 technology tables, 6T cell)").above(0);
  s.real("access_width_f", 1.31, "F", "Access transistor width (CACTI 7 technology tables, 6T cell)").above(0);
  s.real("pulldown_width_f", 2.08, "F", "Pull-down transistor width (CACTI 7 technology tables, 6T cell)").above(0);
  s.real("bitline_swing_v", 0.1, "V",
         "Bit-line swing the sense amplifier resolves (about 0.1 V: Amrutur and Horowitz, 'Speed and power scaling "
         "of SRAMs', IEEE JSSC 2000)")
      .above(0);
  return s;
}

const bool registered = config::register_model<MemoryModel>(
    {"sram", "6T SRAM: the node's bit cell, voltage sensing, full-swing writes, cells leak while powered", spec(),
     [](const config::Params& p) { return std::make_unique<SramMemory>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
