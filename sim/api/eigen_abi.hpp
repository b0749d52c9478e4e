#pragma once
// Eigen's allocation alignment is part of libcimsim's ABI: the library is built with
// EIGEN_MAX_ALIGN_BYTES=64 (what AVX-512 needs), so that any build of it agrees with any build of a
// plug-in or program, whatever its -march. Code compiled with another value frees Eigen memory
// the library allocated (or the reverse) with the wrong alignment rule, and the process aborts
// with "double free or corruption". find_package(cimsim) and `pkg-config --cflags cimsim` add the
// definition; this check turns a forgotten one into a compile error.

#include <Eigen/Core>

static_assert(EIGEN_MAX_ALIGN_BYTES == 64,
              "cimsim is built with EIGEN_MAX_ALIGN_BYTES=64: compile with -DEIGEN_MAX_ALIGN_BYTES=64 (the "
              "cimsim::cimsim CMake target and `pkg-config --cflags cimsim` add it)");
