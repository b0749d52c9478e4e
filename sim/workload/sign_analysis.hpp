#pragma once
// Which layer outputs the graph alone proves never negative, whatever the input: a ReLU or a clip
// at or above zero, a sigmoid or softmax, and pooling, sums, products and rearrangements of such
// outputs. An estimate needs of its calibration only whether each matrix layer's input goes
// negative (quantize_options.hpp); where this says it cannot, no float pass is needed to know.
// Conservative: false where the proof would need the values.

#include <vector>

#include "sim/workload/network.hpp"

namespace cimsim::workload {

// One flag per layer of `net`: its output (after its activation) is never negative. The network
// input counts as possibly negative.
std::vector<bool> nonnegative_outputs(const Network& net);

}  // namespace cimsim::workload
