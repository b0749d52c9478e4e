#pragma once
// Logging through spdlog. The pattern carries the simulated time (the timing engine publishes
// it while it runs), so a message from inside a simulation says when it happened on the chip.

#include <spdlog/spdlog.h>

#include <string>

namespace cimsim::log {

// level: "trace", "debug", "info", "warn", "error", "off".
void init(const std::string& level);
bool is_level(const std::string& level);
std::string level_names();  // "trace, debug, info, warn, error, off"

// The timing engine points this at its clock while it runs; nullptr outside simulation.
using SimTimeSource = double (*)();  // returns nanoseconds
void set_sim_time_source(SimTimeSource source);

}  // namespace cimsim::log
