// STT-MRAM buffers: one transistor and one magnetic tunnel junction per bit (1T1MTJ). Reads and
// writes share the path through the junction, so the access transistor is sized for the write
// current and loads both the word line and the bit line; a write drives the switching current
// through each written cell for the whole pulse. Non-volatile: the cells do not leak.

#include "models/memories/mtj_cell.hpp"

namespace cimsim::models {

namespace {

class SttMramMemory final : public MemoryModel {
 public:
  explicit SttMramMemory(const config::Params& p)
      : mtj_(MemoryMtj::from(p)), area_f2_(p.real("cell_area_f2")), access_f_(p.real("access_width_f")) {}

  MemoryFigures figures(const MemoryRequest& r, const Tech& t) const override {
    ArrayCell c = mtj_.array_cell("stt_mram", area_f2_, t);
    const double f_um = t.node_nm * 1e-3;
    c.read_gate_um = c.write_gate_um = access_f_ * f_um;
    c.read_drain_um = c.write_drain_um = access_f_ * f_um;
    return evaluate_array(c, r, t);
  }

 private:
  MemoryMtj mtj_;
  double area_f2_, access_f_;
};

config::SectionSpec spec() {
  const std::string nvsim = "the STT-RAM cell NVSim ships, sample_STTRAM.cell (Dong et al., IEEE TCAD 2012)";
  config::SectionSpec s("stt_mram", "");
  MemoryMtjDefaults d;
  d.cell_aspect = 1 / 0.57;
  d.aspect_source = nvsim + ": height / width 0.57";
  d.r_p_kohm = 6;
  d.tmr = 1.0;
  d.read_voltage_v = 0.25;
  d.mtj_source = nvsim;
  d.sense_ns = 4;
  d.sense_source = "4 ns read sensing at 0.9 V: Wei et al., 'A 7Mb STT-MRAM in 22FFL FinFET technology with 4ns read "
                   "sensing time at 0.9V ...', ISSCC 2019";
  d.write_current_ua = 40.82;
  d.write_pulse_ns = 5;
  d.write_source = nvsim;
  s.real("cell_area_f2", 57.5, "F^2", "Bit cell area (" + nvsim + ")").above(0);
  MemoryMtj::declare(s, d);
  s.real("access_width_f", 8.5, "F", "Access transistor width, sized for the write current (" + nvsim + ")").above(0);
  return s;
}

const bool registered = config::register_model<MemoryModel>(
    {"stt_mram", "STT-MRAM (1T1MTJ): current sensing, writes through the junction, no cell leakage", spec(),
     [](const config::Params& p) { return std::make_unique<SttMramMemory>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
