#pragma once
// Activations the global buffer cannot hold go to off-chip DRAM. Tensors take the buffer in the
// order they are produced (the network input first); a tensor gets what the buffer has free when
// it is produced, given the tensors still live then, and the rest of it lives in DRAM: its
// producer writes that part off chip and every consumer reads it back. Plain C++.

#include <cstdint>
#include <vector>

namespace cimsim::engine {

struct Spill {
  std::vector<double> fraction;  // per tensor (ChipMap::layers order): share in DRAM
  double input_fraction = 0;     // share of the network input in DRAM
};

// `last_use[t]`: the last step at which tensor t is live (tensor t is produced at step t);
// `input_last`: the last step that reads the network input; `held[t]`: whether the buffer holds
// tensor t at all (pipelined schedules hold the network's outputs only).
Spill spill_to_dram(const std::vector<std::int64_t>& tensor_bits, const std::vector<std::int64_t>& last_use,
                    const std::vector<bool>& held, std::int64_t input_bits, std::int64_t input_last,
                    std::int64_t capacity_bits);

}  // namespace cimsim::engine
