#pragma once
// `cimsim sweep ...`: run, check, merge, export and status of parameter sweeps.

#include <string>
#include <vector>

namespace cimsim::sweep {

// `args` are the words after `cimsim sweep`. Returns the exit status; usage and input mistakes
// throw config::InputError / config::ConfigError (status 2 from the CLI).
int command(const std::vector<std::string>& args);

extern const char* const kUsage;

}  // namespace cimsim::sweep
