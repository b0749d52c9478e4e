#include "models/periphery/macro_periphery.hpp"

#include <algorithm>
#include <cmath>

#include "models/tech/gates.hpp"
#include "models/tech/tech.hpp"
#include "sim/config/schema.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec section() {
  config::SectionSpec s("macro",
                        "The macro periphery around each array: row decoder, word-line drivers, column multiplexers and "
                        "control, from transistor sizes at the tech node (docs/energy-area.md)");
  s.order(79);
  s.choice("periphery", "circuit", {"circuit", "none"},
           "circuit: decoders, drivers, multiplexers and control built from gates at the tech node; none: left out "
           "(the arrays, converters and drivers only)");
  s.real("access_transistor_width_f", 0, "F",
         "Width of each cell's access transistor on the word line (1T1R, 1T1MTJ); 0: a passive crossbar whose rows "
         "the DACs drive, with no word line of its own")
      .at_least(0);
  // CACTI's column-multiplexer pass transistor (Thoziyoor et al., CACTI 5.1 technical report, HP Labs 2008).
  s.real("mux_width_f", 9, "F", "Width of a column multiplexer's pass transistors (CACTI 5.1: 9 F)").above(0);
  // Logical effort: a driver stage is sized to drive about four times its own input capacitance
  // (Sutherland, Sproull and Harris, Logical Effort, 1999), as CACTI sizes its driver chains.
  s.real("driver_fanout", 4, "1", "Load over input capacitance of a word-line driver (logical effort: about 4)")
      .above(0);
  return s;
}
const config::SectionRegistrar registered(section);

int bits_for(int n) { return n <= 1 ? 0 : static_cast<int>(std::ceil(std::log2(static_cast<double>(n)) - 1e-9)); }

// A predecoder of `bits` address bits: 2^bits NAND gates (inverters for one bit).
Circuit predecoder(const Gates& g, int bits) {
  if (bits <= 0) return {};
  return (bits == 1 ? g.inverter() : g.nand(bits)) * std::ldexp(1.0, bits);
}

}  // namespace

MacroPeriphery macro_periphery(const config::Params& p, const MacroGeometry& geo, const Tech& tech) {
  MacroPeriphery m;
  if (p.text("periphery") == "none") return m;
  m.modelled = true;
  const Gates g(tech);
  const double e_fj_to_pj = 1e-3;
  auto pj = [&](double ff) { return g.energy_fj(ff) * e_fj_to_pj; };
  const double min_inverter_in = g.cap_ff(Gates::kMinWidthF * (1 + Gates::kPnRatio));

  // Row decoder: the address split into two predecoded halves, one NOR2 per row combining them.
  const int n = bits_for(geo.rows), n1 = (n + 1) / 2, n2 = n - n1;
  const Circuit pre1 = predecoder(g, n1), pre2 = predecoder(g, n2), final_stage = g.nor(2) * geo.rows;
  m.row_decoder_um2 = pre1.area_um2 + pre2.area_um2 + final_stage.area_um2;
  // Selecting a row group switches one line of each predecoder, loaded by the NOR inputs it feeds,
  // and the selected outputs (charged by the row's word-line driver below, or the DACs).
  const double nor_input = g.cap_ff(Gates::kMinWidthF * (1 + 2 * Gates::kPnRatio));
  auto line = [&](int bits) {
    if (bits <= 0) return 0.0;
    const Circuit one = bits == 1 ? g.inverter() : g.nand(bits);
    return one.switched_ff + nor_input * geo.rows / std::ldexp(1.0, bits);
  };
  m.decode_pj = pj(line(n1) + line(n2) + g.nor(2).switched_ff);

  // Word-line drivers: with access transistors, each row's gate line spans the columns: the access
  // gates plus a wire of one cell pitch per column. The driver is an inverter sized to that load.
  const double w_access = p.real("access_transistor_width_f");
  if (w_access > 0) {
    const double pitch_um = std::sqrt(geo.cell_area_f2) * tech.f_um();
    const double load_ff = geo.cols * (g.cap_ff(w_access) + tech.wire_cap_ff_per_um * pitch_um);
    const double scale = std::max(1.0, load_ff / (p.real("driver_fanout") * min_inverter_in));
    const Circuit driver = g.inverter(scale);
    m.wordline_drivers_um2 = driver.area_um2 * geo.rows;
    m.wordline_pj = pj(load_ff + driver.switched_ff);
  }

  // Column multiplexers: a transmission gate per column and a select decoder per ADC; each
  // conversion switches one gate off and the next on, and one select line.
  if (geo.columns_per_adc > 1) {
    const int adcs = (geo.cols + geo.columns_per_adc - 1) / geo.columns_per_adc;
    const Circuit tg = g.transmission_gate(p.real("mux_width_f"));
    const int sel = bits_for(geo.columns_per_adc);
    const Circuit select = sel == 1 ? g.inverter() * 2 : g.nand(sel) * geo.columns_per_adc;
    m.column_mux_um2 = tg.area_um2 * geo.cols + select.area_um2 * adcs;
    m.mux_pj = pj(tg.switched_ff + (sel == 1 ? g.inverter().switched_ff : g.nand(sel).switched_ff));
  }

  // Control: counters for the column multiplexer, the input slices and the row groups, plus a
  // four-flip-flop sequencer; the slice and group counters step per read, the column counter per
  // conversion.
  const int read_ffs = bits_for(geo.max_input_slices + 1) + n + 4, conversion_ffs = bits_for(geo.columns_per_adc);
  m.control_um2 = g.flip_flop().area_um2 * (read_ffs + conversion_ffs) + g.nand(2).area_um2 * (read_ffs + conversion_ffs);
  m.control_read_pj = pj(g.flip_flop().switched_ff * read_ffs);
  m.control_conversion_pj = pj(g.flip_flop().switched_ff * conversion_ffs);
  return m;
}

}  // namespace cimsim::models
