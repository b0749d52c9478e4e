// Refuses to start on a CPU that lacks an instruction set extension this build was compiled for,
// with a message that says which and how to rebuild, instead of dying later of SIGILL (a binary
// built for one node of a mixed cluster, run on an older one). The check runs from the
// executable's .preinit_array, before any library initialiser: libcimsim's own static
// constructors may already use the extensions. It is compiled for the x86-64 baseline itself;
// the preprocessor still sees the flags the rest of the build uses.

#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace {

#if defined(__x86_64__) && defined(__GNUC__)

struct Feature {
  const char* name;  // as __builtin_cpu_supports and /proc/cpuinfo-like messages spell it
  bool has;
};

// Whether the space-separated `list` holds `name`.
__attribute__((target("arch=x86-64"))) bool lacks(const char* list, const char* name) {
  const std::size_t n = std::strlen(name);
  for (const char* p = list; p && *p;) {
    while (*p == ' ') ++p;
    const char* end = p;
    while (*end && *end != ' ') ++end;
    if (static_cast<std::size_t>(end - p) == n && *name && std::strncmp(p, name, n) == 0) return true;
    p = end;
  }
  return false;
}

// Called with main's arguments; the C library is not initialised yet (getenv cannot be used).
__attribute__((target("arch=x86-64"))) void check_cpu(int, char**, char** envp) {
  __builtin_cpu_init();
  // A feature is wanted when the compiler may use it (its macro is defined for the build).
#define CIMSIM_FEATURE(name) {name, __builtin_cpu_supports(name) != 0},
  const Feature wanted[] = {
#ifdef __SSE4_2__
      CIMSIM_FEATURE("sse4.2")
#endif
#ifdef __POPCNT__
      CIMSIM_FEATURE("popcnt")
#endif
#ifdef __AVX__
      CIMSIM_FEATURE("avx")
#endif
#ifdef __AVX2__
      CIMSIM_FEATURE("avx2")
#endif
#ifdef __FMA__
      CIMSIM_FEATURE("fma")
#endif
#ifdef __BMI2__
      CIMSIM_FEATURE("bmi2")
#endif
#ifdef __AVX512F__
      CIMSIM_FEATURE("avx512f")
#endif
#ifdef __AVX512BW__
      CIMSIM_FEATURE("avx512bw")
#endif
#ifdef __AVX512DQ__
      CIMSIM_FEATURE("avx512dq")
#endif
#ifdef __AVX512VL__
      CIMSIM_FEATURE("avx512vl")
#endif
      {"", true}};
#undef CIMSIM_FEATURE
  // Tests pretend a feature is missing (there is no older CPU to run them on): a space-separated list.
  const char* pretend = nullptr;
  for (char** e = envp; e && *e; ++e)
    if (std::strncmp(*e, "CIMSIM_TEST_CPU_LACKS=", 22) == 0) pretend = *e + 22;
  char missing[256] = "";
  for (const Feature& f : wanted)
    if ((!f.has || lacks(pretend, f.name)) && std::strlen(missing) + std::strlen(f.name) + 2 < sizeof missing) {
      std::strcat(missing, " ");
      std::strcat(missing, f.name);
    }
  if (missing[0] == '\0') return;
  char message[768];
  const int n = std::snprintf(message, sizeof message,
                              "cimsim: error: this cimsim was built for CPUs with%s, which this CPU lacks (compiled "
                              "with -march=%s). Rebuild it on or for this machine, e.g. with "
                              "-DCIMSIM_ARCH=x86-64-v2 (docs/library.md, portable builds).\n",
                              missing, CIMSIM_ARCH_NAME);
  if (n > 0) (void)!::write(STDERR_FILENO, message, static_cast<std::size_t>(n));
  ::_exit(1);
}

__attribute__((section(".preinit_array"), used)) void (*const run_cpu_check)(int, char**, char**) = check_cpu;

#endif

}  // namespace
