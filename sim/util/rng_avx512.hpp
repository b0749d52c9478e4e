#pragma once
// rng::Stream's fast normals on AVX-512 (internal to rng.cpp): Philox4x32-10 sixteen generator
// blocks a register, where the AVX2 generator takes eight, and Box–Muller sixteen pairs a register.
// The build stays portable (x86-64-v3): the functions here alone are compiled for AVX-512, and
// rng.cpp calls them only where the CPU has it (util::cpu_has_avx512()). The uniforms are those of
// the scalar and AVX2 generators word by word, and the normals the same floats.

#include <array>
#include <cstddef>
#include <cstdint>

#include "sim/util/cpu_features.hpp"

#ifdef CIMSIM_HAVE_AVX512_KERNELS
namespace cimsim::rng::detail {

// The uniforms of at least `pairs` Box–Muller pairs, two per block, in whole groups of 16 blocks:
// u1[2b] and u2[2b] from words 0 and 1 of block b, u1[2b + 1] and u2[2b + 1] from words 2 and 3;
// u1 = (word + ½)/2^32 (never 0), u2 = word/2^32. The blocks are first, first + 1, … where `list` is
// null, or list[0], list[1], … (the list then holds whole groups of 16). u1 and u2 must have room
// for 31 pairs past `pairs`.
void philox_uniforms_avx512(std::uint64_t stream, std::array<std::uint32_t, 2> key, const std::uint64_t* list,
                            std::uint64_t first, std::size_t pairs, float* u1, float* u2);

// box_muller_loop (box_muller.hpp) compiled for AVX-512.
void box_muller_avx512(const float* u1, const float* u2, std::size_t pairs, float* lanes);

}  // namespace cimsim::rng::detail
#endif
