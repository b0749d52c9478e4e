#pragma once
// The `memories` entry of report.json: each kind of buffer as its technology builds it (energies,
// latencies, port cycles, static power, leakage energy per inference, area, organisation) and the
// off-chip traffic.

#include "sim/cost/cost_model.hpp"
#include "sim/util/json.hpp"

namespace cimsim::cost {

json::Value memories_json(const CostResult& cost, const engine::TimingResult& timing);

}  // namespace cimsim::cost
