#pragma once
// What the mapper made of the network: its size, the arrays and tiles it takes, and what every
// `auto` size became. The console summary of a run and `cimsim check` both print it.

#include <string>

#include "sim/run/simulation.hpp"

namespace cimsim::report {

// Lines of text, each ending in a newline.
std::string mapping_summary(const run::Simulation& sim);

}  // namespace cimsim::report
