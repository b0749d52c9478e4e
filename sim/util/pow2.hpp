#pragma once
// 2^e exactly, without a library call: std::ldexp is one, and the functional engine asks for the
// powers of two that weigh digits and slices several times per readout.

#include <cmath>
#include <cstdint>
#include <cstring>

namespace cimsim::util {

inline double pow2(int e) {
  if (e < -1022 || e > 1023) return std::ldexp(1.0, e);  // subnormal or infinite: the library's
  const std::uint64_t bits = static_cast<std::uint64_t>(e + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace cimsim::util
