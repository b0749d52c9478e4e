#pragma once
// What the digital unit spends on one elementary function of one element. The unit has adders,
// multipliers and comparators only, so each function is the algorithm it runs, counted
// operation by operation (docs/workloads.md lists the algorithms and their sources):
//   exp:   Cody–Waite range reduction, k = round(x·log2 e), r = x − k·ln 2, then a degree-6
//          polynomial for e^r in Horner form and 2^k added to the exponent;
//   recip: seed from a 256-entry table on the leading mantissa bits (no arithmetic), then two
//          Newton–Raphson steps y ← y·(2 − x·y), each doubling the correct bits (8 → 16 → 32);
//   rsqrt: seed from a table, h = x/2 once, two steps y ← y·(1.5 − h·y²);
//   log:   exponent and mantissa split (no arithmetic), a degree-7 polynomial of the mantissa,
//          plus exponent·ln 2;
//   erf:   Abramowitz & Stegun 7.1.26, 1 − (a1·t + … + a5·t⁵)·e^(−x²) with t = 1/(1 + p·|x|).

#include "models/operators/operator.hpp"

namespace cimsim::models::cost {

inline constexpr DigitalOps kExp{9, 8, 0};    // adds: round, reduce, 6 Horner, exponent; mults: 2 + 6
inline constexpr DigitalOps kRecip{2, 4, 0};  // two Newton–Raphson steps of 1 add and 2 mults
inline constexpr DigitalOps kRsqrt{2, 7, 0};  // h = x/2, then two steps of 1 add and 3 mults
inline constexpr DigitalOps kLog{8, 8, 0};    // 7 Horner steps, then + e·ln 2

inline constexpr DigitalOps sum(DigitalOps a, DigitalOps b) {
  return {a.adds + b.adds, a.mults + b.mults, a.compares + b.compares};
}
inline constexpr DigitalOps kSqrt = sum(kRsqrt, {0, 1, 0});               // x·rsqrt(x)
inline constexpr DigitalOps kDivide = sum(kRecip, {0, 1, 0});             // a·recip(b)
inline constexpr DigitalOps kSigmoid = sum(sum(kExp, kRecip), {1, 0, 0}); // recip(1 + exp(−x))
inline constexpr DigitalOps kTanh = sum(kSigmoid, {1, 2, 0});             // 2·σ(2x) − 1
// t = recip(1 + p|x|), Horner over a1..a5, exp(−x²), 1 − poly·e, and the sign.
inline constexpr DigitalOps kErf = sum(sum(kRecip, kExp), {1 + 4 + 1, 1 + 5 + 1 + 1, 1});

}  // namespace cimsim::models::cost
