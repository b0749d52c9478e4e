#pragma once
// Arithmetic on sizes that come from files and configs (shapes, array dimensions, batch sizes):
// every product and narrowing is checked, so that a size too large for its type is an error the
// caller reports with the file and place, never a wrapped-around negative number.

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace cimsim::util {

// a · b, or nothing when it does not fit in 64 bits (or either is negative).
inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// The product of sizes (1 for none), or nothing when it overflows or a size is negative.
inline std::optional<std::int64_t> checked_product(const std::vector<std::int64_t>& sizes) {
  std::int64_t n = 1;
  for (std::int64_t s : sizes) {
    const auto next = checked_mul(n, s);
    if (!next) return std::nullopt;
    n = *next;
  }
  return n;
}

// v as an int, or nothing when it does not fit.
inline std::optional<int> checked_int(std::int64_t v) {
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace cimsim::util
