#include "sim/mapping/readout_scheme.hpp"

#include "sim/config/schema.hpp"

namespace cimsim::mapping {

namespace {

config::SectionSpec readout_section() {
  config::SectionSpec s("readout", "How columns are read out: pipelining, analog combination of input and weight "
                                   "bits, signed inputs, current or resistance summation (docs/semantics.md)");
  s.order(77);
  s.choice("pipelining", "sample_hold", {"sample_hold", "integrate"},
           "sample_hold: every read is sampled and held, so the next read overlaps its conversion; integrate: the "
           "column integrates on the capacitor its ADC converts from, so read and conversion run in sequence and "
           "there is no sample-and-hold");
  s.choice("input_bits", "per_slice", {"per_slice", "accumulate"},
           "per_slice: one conversion per input slice; accumulate: the slices' charges add on the capacitor, "
           "binary-weighted, and one conversion per vector reads the sum");
  s.choice("weight_bits", "per_column", {"per_column", "combine"},
           "per_column: every weight slice's column is converted alone; combine: the slice columns of one weight "
           "(per polarity) add binary-weighted in analog (current scaling or charge sharing) before one conversion");
  s.choice("input_sign", "sign_slice", {"sign_slice", "polarity"},
           "sign_slice: a signed input's sign bit is an input slice of its own (two's complement); polarity: the "
           "magnitude drives the row with the input's sign as pulse polarity, no extra slice");
  s.choice("summation", "current", {"current", "resistance"},
           "current: each column sums V·G of its cells; resistance: the selected cells of a column sit in series and "
           "the ADC reads their summed resistance as a voltage (low-resistance cells such as MRAM; Jung et al., "
           "Nature 2022)");
  s.real("read_current_ua", 1.0, "uA", "Current through a column's series chain in resistance summation").above(0);
  return s;
}
const config::SectionRegistrar registered(readout_section);

}  // namespace

ReadoutScheme ReadoutScheme::from(const config::Params& p) {
  ReadoutScheme r;
  if (p.text("pipelining") == "integrate") r.pipelining = Pipelining::Integrate;
  if (p.text("input_bits") == "accumulate") r.input_bits = InputBits::Accumulate;
  if (p.text("weight_bits") == "combine") r.weight_bits = WeightBits::Combine;
  if (p.text("input_sign") == "polarity") r.input_sign = InputSign::Polarity;
  if (p.text("summation") == "resistance") r.summation = Summation::Resistance;
  r.read_current_ua = p.real("read_current_ua");
  return r;
}

}  // namespace cimsim::mapping
