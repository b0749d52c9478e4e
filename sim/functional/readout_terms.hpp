#pragma once
// The per-vector arithmetic of one conversion in the functional engine (crossbar_chunk.cpp), each
// step one pass over a chunk's vectors: the ADC input built term by term, and the code landed in
// the output; or, for a conversion of a single term with an ideal ADC (the common case), the whole
// of it in one pass. Written as plain loops over raw arrays, in double, in the order
// docs/semantics.md gives: each step was several passes of array expressions before, which short
// chunks (24 to a few hundred vectors) spent more time starting than computing.

#include <cmath>
#include <cstdint>

#include "models/periphery/adc.hpp"
#include "sim/util/cpu_features.hpp"
#include "sim/util/rounding.hpp"

namespace cimsim::functional {

namespace detail {

// Term v: current + σ·z − reference noise, σ the exact root of the read's variance (σ·z in float,
// as drawn). The root is taken here, for the vectors converted only, rather than in a pass of its
// own over every column of the variance product.
template <bool kNoise, bool kReference>
inline double term(const float* current, const float* var, const float* z, const float* reference, std::int64_t v) {
  double t = current[v];
  if constexpr (kNoise) t += static_cast<double>(std::sqrt(var[v]) * z[v]);
  if constexpr (kReference) t -= static_cast<double>(reference[v]);
  return t;
}

template <bool kNoise, bool kReference>
struct AddTerm {
  static void run(double* x, const float* current, const float* var, const float* z, const float* reference, double c,
                  bool first, std::int64_t count) {
    if (!first)
      for (std::int64_t v = 0; v < count; ++v) x[v] += c * term<kNoise, kReference>(current, var, z, reference, v);
    else if (c == 1.0)
      for (std::int64_t v = 0; v < count; ++v) x[v] = term<kNoise, kReference>(current, var, z, reference, v);
    else
      for (std::int64_t v = 0; v < count; ++v) x[v] = c * term<kNoise, kReference>(current, var, z, reference, v);
  }
};

template <bool kNoise, bool kReference>
struct ConvertTerm {
  static void run(double* y, const float* current, const float* var, const float* z, const float* reference,
                  double lsb, double lo, double hi, double weight, std::int64_t count) {
    for (std::int64_t v = 0; v < count; ++v) {
      const double t = term<kNoise, kReference>(current, var, z, reference, v);
      y[v] += weight * util::round_half_away(models::ideal_level(t / lsb, lo, hi) * lsb);
    }
  }
};

// Step<noise, reference>::run(args…) for the parts present (variance and reference not null): one loop
// per combination. With a test on the pointers inside a loop, the compiler turned the reference
// read into a masked load, which a null pointer made a fault to suppress on every vector.
template <template <bool, bool> class Step, class... Args>
void with_parts(const float* var, const float* reference, Args... args) {
  if (var && reference) Step<true, true>::run(args...);
  else if (var) Step<true, false>::run(args...);
  else if (reference) Step<false, true>::run(args...);
  else Step<false, false>::run(args...);
}

}  // namespace detail

// One analog term of a conversion, for vectors 0 … count − 1 (null variance or reference: none), added
// to x weighed by c, or starting x.
inline void add_term(double* x, const float* current, const float* var, const float* z, const float* reference,
                     double c, bool first, std::int64_t count) {
  detail::with_parts<detail::AddTerm>(var, reference, x, current, var, z, reference, c, first, count);
}

// The conversion's values (codes · lsb: ADC codes, or analog values with lsb 1 where calibration
// reads them unconverted), less the G_min offset `offset` · usum where usum is not null, rounded half
// away and shift-added into the outputs y with `weight`.
template <class Code>
void land_codes(double* y, const Code* codes, double lsb, const double* usum, double offset, double weight,
                std::int64_t count) {
  if (usum)
    for (std::int64_t v = 0; v < count; ++v)
      y[v] += weight * util::round_half_away(static_cast<double>(codes[v]) * lsb - offset * usum[v]);
  else
    for (std::int64_t v = 0; v < count; ++v) y[v] += weight * util::round_half_away(static_cast<double>(codes[v]) * lsb);
}

// A whole conversion of a single term (weighed 1) by an ideal ADC with no G_min offset riding on
// it, in one pass: the term, its code (ideal_level of term / lsb in [lo, hi]) and its landing, the
// same operations as add_term, AdcModel::convert and land_codes in turn, without the arrays
// between them.
// Vectors of 16 or more go through a copy of the loop compiled for AVX-512 where the CPU has it
// (readout_terms_avx512.cpp; the same doubles, which tests/test_readout_terms.cpp checks).
#ifdef CIMSIM_HAVE_AVX512_KERNELS
void convert_term_avx512(double* y, const float* current, const float* var, const float* z, const float* reference,
                         double lsb, double lo, double hi, double weight, std::int64_t count);
#endif
inline void convert_term(double* y, const float* current, const float* var, const float* z, const float* reference,
                         double lsb, double lo, double hi, double weight, std::int64_t count) {
#ifdef CIMSIM_HAVE_AVX512_KERNELS
  if (count >= 16 && util::cpu_has_avx512())
    return convert_term_avx512(y, current, var, z, reference, lsb, lo, hi, weight, count);
#endif
  detail::with_parts<detail::ConvertTerm>(var, reference, y, current, var, z, reference, lsb, lo, hi, weight, count);
}

}  // namespace cimsim::functional
