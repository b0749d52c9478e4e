#pragma once
// Converters built from their parts at a technology node (adc.energy_model: circuit): what each
// type switches per conversion and what it is made of, from the gates of models/tech/gates.hpp.
// First-order estimates: bias currents, reference buffers and layout overheads are left out, so
// these sit below measured converters of the same resolution (docs/energy-area.md, "ADCs").

#include "models/periphery/adc.hpp"

namespace cimsim::models {

// SAR: a binary-weighted capacitive DAC of 2^bits unit capacitors, switched conventionally, plus a
// comparator decision and the SAR register clocked once per bit. The DAC's mean switching energy
// is Σ_{i=1..B} 2^(B+1−2i)·(2^i − 1)·C_u·Vref² (Ginsburg and Chandrakasan, IEEE JSSC 2007; Saberi
// et al., IEEE TCAS-I 2011: 1363.3 C_u·Vref² at 10 bits), with Vref = Vdd.
AdcCost sar_circuit(int bits, const Tech& tech, double unit_cap_ff);
// The DAC factor Σ_{i=1..B} 2^(B+1−2i)·(2^i − 1) of sar_circuit.
double sar_switching_factor(int bits);
// Flash: 2^bits − 1 comparators decide at once; a NAND per comparator finds the thermometer edge
// and bits flip-flops hold the code.
AdcCost flash_circuit(int bits, const Tech& tech);
// Single-slope ramp: one comparator decides at each of the 2^bits steps while a ripple counter of
// bits flip-flops counts (its stages toggle 2^(B+1) − 2 times per conversion). The ramp generator
// is shared by the bank and left out.
AdcCost ramp_circuit(int bits, const Tech& tech);

}  // namespace cimsim::models
