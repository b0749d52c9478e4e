// convert_term's loop (readout_terms.hpp) compiled for AVX-512: eight doubles a register where the
// portable build has four. Called only where the CPU has it.

#include "sim/functional/readout_terms.hpp"

namespace cimsim::functional {

#ifdef CIMSIM_HAVE_AVX512_KERNELS
CIMSIM_TARGET_AVX512 void convert_term_avx512(double* y, const float* current, const float* var, const float* z,
                                              const float* reference, double lsb, double lo, double hi, double weight,
                                              std::int64_t count) {
  detail::with_parts<detail::ConvertTerm>(var, reference, y, current, var, z, reference, lsb, lo, hi, weight, count);
}
#endif

}  // namespace cimsim::functional
