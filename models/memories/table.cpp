// A buffer technology given as data, for a user's own characterisation (a memory compiler's
// datasheet, NVSim or DESTINY output, a measured macro): energy per bit read and written, access
// latencies, static power and area at one or more capacities. Between the capacities given, each
// figure follows a power law (straight lines in log-log); beyond them, the nearest segment's law
// continues. With one capacity, energies and latencies stay as given and static power and area
// scale with the capacity. The word width and banks of the request do not change the figures:
// the table is the buffer as characterised.

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/memories/memory_model.hpp"

namespace cimsim::models {

namespace {

class TableMemory final : public MemoryModel {
 public:
  explicit TableMemory(const config::Params& p)
      : capacities_(p.reals("capacities_kib")),
        read_(p.reals("read_pj_per_bit")),
        write_(p.reals("write_pj_per_bit")),
        read_ns_(p.reals("read_ns")),
        write_ns_(p.reals("write_ns")),
        leakage_(p.reals("leakage_mw")),
        area_(p.reals("area_mm2")),
        nonvolatile_(p.flag("nonvolatile")) {
    if (capacities_.empty()) p.fail("capacities_kib", "needs at least one capacity");
    for (std::size_t k = 1; k < capacities_.size(); ++k)
      if (capacities_[k] <= capacities_[k - 1]) p.fail("capacities_kib", "must be strictly increasing");
    for (const char* key : {"read_pj_per_bit", "write_pj_per_bit", "read_ns", "write_ns", "leakage_mw", "area_mm2"})
      if (p.reals(key).size() != capacities_.size())
        p.fail(key, "needs one value per capacities_kib entry (" + std::to_string(capacities_.size()) + ")");
  }

  MemoryFigures figures(const MemoryRequest& r, const Tech&) const override {
    MemoryFigures f;
    f.technology = "table";
    f.nonvolatile = nonvolatile_;
    f.word_bits = r.word_bits;
    const double c = r.capacity_kib;
    f.read_pj = at(read_, c, false) * r.word_bits;
    f.write_pj = at(write_, c, false) * r.word_bits;
    f.read_ns = at(read_ns_, c, false);
    f.write_ns = at(write_ns_, c, false);
    f.leakage_mw = at(leakage_, c, true);
    f.area_mm2 = at(area_, c, true);
    f.read_parts.cell = f.read_pj;
    f.write_parts.cell = f.write_pj;
    return f;
  }

 private:
  // The figure at capacity c: a power law through the bracketing points (a zero point makes the
  // segment linear); one point: constant, or proportional to the capacity when `extensive`.
  double at(const std::vector<double>& y, double c, bool extensive) const {
    if (y.size() == 1) return extensive ? y[0] * c / capacities_[0] : y[0];
    std::size_t k = 0;
    while (k + 2 < capacities_.size() && c > capacities_[k + 1]) ++k;
    const double c0 = capacities_[k], c1 = capacities_[k + 1], y0 = y[k], y1 = y[k + 1];
    if (y0 <= 0 || y1 <= 0) return std::max(0.0, y0 + (y1 - y0) * (c - c0) / (c1 - c0));
    const double slope = std::log(y1 / y0) / std::log(c1 / c0);
    return y0 * std::pow(c / c0, slope);
  }

  std::vector<double> capacities_, read_, write_, read_ns_, write_ns_, leakage_, area_;
  bool nonvolatile_;
};

config::SectionSpec spec() {
  config::SectionSpec s("table", "");
  s.reals("capacities_kib", {8}, "KiB", "Capacities the figures below are given at, ascending").above(0);
  // Defaults: a 64-bit read of an 8 KB SRAM costs 10 pJ at 45 nm (Horowitz, ISSCC 2014).
  s.reals("read_pj_per_bit", {0.15625}, "pJ/bit",
          "Read energy per bit at each capacity (default: Horowitz, ISSCC 2014, 45 nm, 8 KB: 10 pJ per 64 bits)")
      .at_least(0);
  s.reals("write_pj_per_bit", {0.15625}, "pJ/bit", "Write energy per bit at each capacity (default: as read)").at_least(0);
  s.reals("read_ns", {0}, "ns", "Read latency of one word at each capacity; 0 = within one clock cycle").at_least(0);
  s.reals("write_ns", {0}, "ns", "Write latency of one word at each capacity; 0 = within one clock cycle").at_least(0);
  s.reals("leakage_mw", {0}, "mW", "Static power of the whole buffer while powered, at each capacity").at_least(0);
  s.reals("area_mm2", {0.0324}, "mm^2",
          "Area at each capacity (default: 8 KiB of 45 nm 0.346 um^2 cells at 70 % array efficiency, Mistry et al., "
          "IEDM 2007)")
      .at_least(0);
  s.boolean("nonvolatile", false, "Whether the buffer keeps its data unpowered (then it leaks only while accessed)");
  return s;
}

const bool registered = config::register_model<MemoryModel>(
    {"table", "A buffer characterised as data: energy per bit, latency, static power and area per capacity", spec(),
     [](const config::Params& p) { return std::make_unique<TableMemory>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
