#pragma once
// The library logs its warnings through spdlog (a calibration set taken from the test set, columns
// over the cell's current limit). In Python they are collected while a run goes and raised as
// Python warnings (cimsim.CimsimWarning) when it returns, where notebooks show them.

#include <string>
#include <vector>

namespace cimsim::python {

// Makes the library's logger collect warnings and errors instead of printing them.
void collect_warnings();
// The messages collected since the last call, oldest first.
std::vector<std::string> drain_warnings();

}  // namespace cimsim::python
