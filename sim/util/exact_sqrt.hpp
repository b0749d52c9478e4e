#pragma once
// Square roots of float arrays, correctly rounded, element by element.
//
// Eigen's vectorised square root of floats (EIGEN_FAST_MATH, on by default) is an approximate
// reciprocal square root refined by one Newton step. Its last bits follow the CPU's reciprocal
// table, which differs between vendors, so one build gave other read-noise spreads on another make of
// CPU; and Eigen takes the elements before a buffer's first aligned one through std::sqrt instead,
// so which elements were approximated followed where a buffer happened to start in memory. A plain
// loop over std::sqrt compiles to the vector square-root instruction (the build does not set errno
// from math calls), which IEEE 754 defines to the last bit on every CPU.

#include <cmath>
#include <cstddef>

namespace cimsim::util {

inline void sqrt_in_place(float* v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) v[i] = std::sqrt(v[i]);
}

}  // namespace cimsim::util
