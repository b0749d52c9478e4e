#include "sim/engine/spill.hpp"

#include <algorithm>

namespace cimsim::engine {

Spill spill_to_dram(const std::vector<std::int64_t>& tensor_bits, const std::vector<std::int64_t>& last_use,
                    const std::vector<bool>& held, std::int64_t input_bits, std::int64_t input_last,
                    std::int64_t capacity_bits) {
  const std::size_t n = tensor_bits.size();
  Spill s;
  s.fraction.assign(n, 0.0);
  std::vector<std::int64_t> on_chip(n, 0);
  const std::int64_t input_on_chip = std::min(input_bits, capacity_bits);
  if (input_bits > 0) s.input_fraction = static_cast<double>(input_bits - input_on_chip) / static_cast<double>(input_bits);
  for (std::size_t step = 0; step < n; ++step) {
    if (!held[step] || tensor_bits[step] == 0) continue;
    std::int64_t used = static_cast<std::int64_t>(step) <= input_last ? input_on_chip : 0;
    for (std::size_t t = 0; t < step; ++t)
      if (held[t] && last_use[t] >= static_cast<std::int64_t>(step)) used += on_chip[t];
    on_chip[step] = std::clamp<std::int64_t>(capacity_bits - used, 0, tensor_bits[step]);
    s.fraction[step] = static_cast<double>(tensor_bits[step] - on_chip[step]) / static_cast<double>(tensor_bits[step]);
  }
  return s;
}

}  // namespace cimsim::engine
