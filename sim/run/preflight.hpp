#pragma once
// What can be checked about a run's inputs before it runs, fast: the network loads, the data
// set files' headers fit it (sample shape, sample counts, labels in the network's class range),
// and the sizes involved fit in memory. `cimsim check`, `cimsim sweep check` and every run call it,
// so a config that check passes does not then fail on its inputs.

#include "sim/config/params.hpp"
#include "sim/workload/network.hpp"

namespace cimsim::run {

// Loads the network and checks the workload against it.
void check_workload(const config::Config& c);
// The same with the network loaded already.
void check_workload(const config::Config& c, const workload::Network& net);

}  // namespace cimsim::run
