// Refuses to start on a CPU that lacks an instruction set extension this build was compiled for,
// with a message that says which and how to rebuild, instead of dying later of SIGILL (a binary
// built for one node of a mixed cluster, run on an older one). The check runs from the
// executable's .preinit_array, before any library initialiser: libcimsim's own static
// constructors may already use the extensions. It is compiled for the x86-64 baseline itself;
// the preprocessor still sees the flags the rest of the build uses.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

#if defined(__x86_64__) && defined(__GNUC__)

struct Feature {
  const char* name;  // as __builtin_cpu_supports and /proc/cpuinfo-like messages spell it
  bool has;
};

__attribute__((target("arch=x86-64"))) void check_cpu() {
  __builtin_cpu_init();
  const Feature wanted[] = {
#ifdef __SSE4_2__
      {"sse4.2", __builtin_cpu_supports("sse4.2") != 0},
#endif
#ifdef __POPCNT__
      {"popcnt", __builtin_cpu_supports("popcnt") != 0},
#endif
#ifdef __AVX__
      {"avx", __builtin_cpu_supports("avx") != 0},
#endif
#ifdef __AVX2__
      {"avx2", __builtin_cpu_supports("avx2") != 0},
#endif
#ifdef __FMA__
      {"fma", __builtin_cpu_supports("fma") != 0},
#endif
#ifdef __BMI2__
      {"bmi2", __builtin_cpu_supports("bmi2") != 0},
#endif
#ifdef __AVX512F__
      {"avx512f", __builtin_cpu_supports("avx512f") != 0},
#endif
#ifdef __AVX512BW__
      {"avx512bw", __builtin_cpu_supports("avx512bw") != 0},
#endif
#ifdef __AVX512DQ__
      {"avx512dq", __builtin_cpu_supports("avx512dq") != 0},
#endif
#ifdef __AVX512VL__
      {"avx512vl", __builtin_cpu_supports("avx512vl") != 0},
#endif
      {"", true}};
  char missing[256] = "";
  for (const Feature& f : wanted)
    if (!f.has && std::strlen(missing) + std::strlen(f.name) + 2 < sizeof missing) {
      std::strcat(missing, " ");
      std::strcat(missing, f.name);
    }
  if (missing[0] == '\0') return;
  char message[768];
  const int n = std::snprintf(message, sizeof message,
                              "cimsim: error: this cimsim was built for CPUs with%s, which this CPU lacks (built "
                              "with -DCIMSIM_ARCH=%s). Rebuild it on or for this machine, e.g. with "
                              "-DCIMSIM_ARCH=x86-64-v2 (docs/library.md, portable builds).\n",
                              missing, CIMSIM_ARCH_NAME);
  if (n > 0) (void)!::write(STDERR_FILENO, message, static_cast<std::size_t>(n));
  ::_exit(1);
}

__attribute__((section(".preinit_array"), used)) void (*const run_cpu_check)() = check_cpu;

#endif

}  // namespace
