#pragma once
// The metrics of one run as the store keeps them: every number in report.json, named by its
// dotted path ("accuracy.chip", "energy.components.adc"), with its unit. Lists (the per-layer
// table, per-instance accuracies) are not columns; the whole report is stored beside them.

#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/sweep/sqlite.hpp"

namespace cimsim::sweep {

struct Metric {
  std::string name;
  sql::Cell value;   // a quantity's value as a real; a bare JSON integer as an integer
  std::string unit;  // "" for bare numbers
};

// Parses report.json text; `origin` names it in errors (config::InputError).
std::vector<Metric> report_metrics(const std::string& json_text, const std::string& origin);

// The number an unquoted YAML (or JSON) scalar writes: an integer when written as one (unless
// `as_real`), else a finite real; NULL when the node is anything else.
sql::Cell number_in(const config::Node& n, bool as_real);

}  // namespace cimsim::sweep
