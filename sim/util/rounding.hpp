#pragma once
// Round half away from zero, the rounding docs/design.md §4 prescribes everywhere: std::round's
// result, written out so that loops over it vectorise (std::round is a library call).

#include <cmath>

namespace cimsim::util {

// trunc(v ± c) with c = 0.49999999999999994, the largest double below ½. A fraction of ½ or more
// carries v + c to the next integer (for v = ½ the sum 1 − 2⁻⁵⁴ is a tie that rounds to the even
// 1.0); a fraction below ½ is at least one unit in v's last place below it, so the sum falls short
// of the next integer by more than half a unit in the sum's last place (at most twice v's) and
// rounds below it; from 2⁵² on v is whole and adding c rounds back to v. With c = ½ itself,
// 0.49999999999999994 would round to 1. Four vector instructions (sign, add, truncate) where the
// test of the fraction took seven with a blend; the engine's conversion loop rounds twice per
// readout and ran 1.7–1.9 times faster (docs/performance.md). tests/test_rounding.cpp checks it
// against std::round on every float and on the doubles beside k·2^e + ½ for e in [−60, 60]. Always
// inlined: in the engine's fused conversion loop the compiler kept it as a call through the
// library's PLT for one instantiation, which made noiseless runs three times slower.
[[gnu::always_inline]] inline double round_half_away(double v) {
  return std::trunc(v + std::copysign(0.49999999999999994, v));
}

}  // namespace cimsim::util
