#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al., SC'11). A draw is a pure function
// of (seed, stream identifiers, index): no generator state is carried between draws, so the
// same draw comes out whatever the thread count or the order of evaluation.

#include <array>
#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace cimsim::rng {

using Block = std::array<std::uint32_t, 4>;

Block philox4x32_10(Block counter, std::array<std::uint32_t, 2> key);

// 64-bit mixing (SplitMix64 finaliser): folds identifiers into one stream id.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// What a stream is used for; part of its identity so that purposes never share draws.
enum class Purpose : std::uint32_t {
  Programming = 1,  // programming error, once per chip instance
  DeviceSpread = 2, // device-to-device variation
  DriftExponent = 3,
  StuckAt = 4,
  ReadNoise = 5,    // every read
  AdcNoise = 6,
  Sampling = 7,     // sweeps, worst-case search
  Relaxation = 8,   // conductance relaxation after programming, once per chip instance
  AccumulatedNoise = 9,  // 1/f noise accumulated up to the inference time, once per chip instance
  ReadDisturb = 10, // read-disturb flips
  Custom = 100,     // first value free for plug-ins
};

// One stream: a seed and a list of identifiers (purpose, instance, layer, array, ...).
class Stream {
 public:
  Stream(std::uint64_t seed, Purpose purpose, std::initializer_list<std::uint64_t> ids);

  // Four independent 32-bit words for element `index`.
  Block bits(std::uint64_t index) const;
  // Uniform in (0, 1), never 0 or 1 (safe for logs).
  static double to_unit(std::uint32_t hi, std::uint32_t lo) {
    const std::uint64_t v = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);  // 53 bits
    return (static_cast<double>(v & ((1ull << 53) - 1)) + 0.5) * (1.0 / 9007199254740992.0);
  }
  double uniform(std::uint64_t index) const {
    const Block b = bits(index);
    return to_unit(b[0], b[1]);
  }
  // Two independent standard normal draws for element `index` (Box–Muller).
  std::array<double, 2> normal_pair(std::uint64_t index) const;
  double normal(std::uint64_t index) const { return normal_pair(index)[0]; }
  // Fills out[0..n) with standard normals for elements first .. first+n-1 (one per element).
  void normals(std::uint64_t first, std::size_t n, float* out) const;

 private:
  std::array<std::uint32_t, 2> key_;
  std::uint64_t stream_;
};

}  // namespace cimsim::rng
