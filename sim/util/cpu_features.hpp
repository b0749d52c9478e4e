#pragma once
// What the CPU running the program can do beyond the instruction set the build targets (x86-64-v3 by
// default, CMakeLists.txt), for the few kernels compiled a second time for AVX-512
// (CIMSIM_TARGET_AVX512 on the function) and chosen at run time. Each such kernel gives the same
// floats as its portable copy; the tests compare the two on CPUs that have both.

// Only in builds that have AVX2 and FMA themselves: the copies then make the same choices of fused
// multiply-adds, which give the same floats (a build without FMA would fuse in one copy only).
#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#if defined(__clang__)
#define CIMSIM_HAVE_AVX512_KERNELS 1
#define CIMSIM_TARGET_AVX512 __attribute__((target("avx512f"), min_vector_width(512)))
#elif defined(__GNUC__)
#define CIMSIM_HAVE_AVX512_KERNELS 1
#define CIMSIM_TARGET_AVX512 __attribute__((target("avx512f,prefer-vector-width=512")))
#endif
#endif

namespace cimsim::util {

// Whether this CPU runs AVX-512 Foundation code (false where the build has no AVX-512 kernels).
inline bool cpu_has_avx512() {
#ifdef CIMSIM_HAVE_AVX512_KERNELS
  static const bool has = __builtin_cpu_supports("avx512f") != 0;
  return has;
#else
  return false;
#endif
}

}  // namespace cimsim::util
