#pragma once
// How a macro reads its arrays out (the `readout` section): whether a read is held while it is
// converted or converted from the integrating capacitor itself, whether input bits and weight bits
// are combined in analog before one conversion, how signed inputs are driven, and whether columns
// sum currents or series resistances. Configuration, not code paths: both engines read these
// (docs/semantics.md, docs/timing.md).

#include "sim/config/params.hpp"

namespace cimsim::mapping {

struct ReadoutScheme {
  // sample_hold: each read is sampled, so the next read overlaps its conversion; integrate: the
  // column integrates onto the capacitor its ADC converts from, so reads wait for conversions.
  enum class Pipelining { SampleHold, Integrate } pipelining = Pipelining::SampleHold;
  // per_slice: one conversion per input slice; accumulate: the slices' charges add on the
  // capacitor weighted by 2^shift, one conversion per vector.
  enum class InputBits { PerSlice, Accumulate } input_bits = InputBits::PerSlice;
  // per_column: each weight slice's column converted alone; combine: the columns of one weight
  // (and polarity) add weighted by 2^(k·bits_per_cell) before one conversion.
  enum class WeightBits { PerColumn, Combine } weight_bits = WeightBits::PerColumn;
  // sign_slice: a signed input's sign bit is a slice of its own; polarity: the magnitude is driven
  // with the input's sign as the pulse polarity, no sign slice.
  enum class InputSign { SignSlice, Polarity } input_sign = InputSign::SignSlice;
  // current: Σ V·G per column; resistance: a column chains its selected cells in series and the
  // ADC reads their summed resistance as a voltage under read_current_ua.
  enum class Summation { Current, Resistance } summation = Summation::Current;
  double read_current_ua = 1;

  bool integrate() const { return pipelining == Pipelining::Integrate; }
  bool accumulate_inputs() const { return input_bits == InputBits::Accumulate; }
  bool combine_weights() const { return weight_bits == WeightBits::Combine; }
  bool polarity() const { return input_sign == InputSign::Polarity; }
  bool resistance() const { return summation == Summation::Resistance; }

  static ReadoutScheme from(const config::Params& readout);
};

}  // namespace cimsim::mapping
