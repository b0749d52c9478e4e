#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al., SC'11). A draw is a pure function
// of (seed, stream identifiers, index): no generator state is carried between draws, so the
// same draw comes out whatever the thread count or the order of evaluation.

#include <array>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace cimsim::rng {

using Block = std::array<std::uint32_t, 4>;

// Philox4x32's multipliers and key increments (Weyl constants).
constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

// Inline: it is the inner loop of every noise draw.
inline Block philox4x32_10(Block c, std::array<std::uint32_t, 2> k) {
  constexpr std::uint32_t kM0 = kPhiloxM0, kM1 = kPhiloxM1, kW0 = kPhiloxW0, kW1 = kPhiloxW1;
  for (int r = 0; r < 10; ++r) {
    if (r) {
      k[0] += kW0;
      k[1] += kW1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * c[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * c[2];
    c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
         static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
  }
  return c;
}

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
  Weights = 8,      // random weights of shape-only workloads
  Inputs = 9,       // synthetic inputs
  Relaxation = 10,  // conductance relaxation after programming, once per chip instance
  AccumulatedNoise = 11,  // 1/f noise accumulated up to the inference time, once per chip instance
  ReadDisturb = 12, // read-disturb flips
  Retention = 13,   // thermally activated state flips before the inference, once per chip instance
  Custom = 100,     // first value free for plug-ins
};

// One stream: a seed and a list of identifiers (purpose, instance, layer, array, ...).
class Stream {
 public:
  Stream(std::uint64_t seed, Purpose purpose, std::initializer_list<std::uint64_t> ids);

  // Four independent 32-bit words for element `index`.
  Block bits(std::uint64_t index) const {
    return philox4x32_10({static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
                          static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)},
                         key_);
  }
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
  double normal(std::uint64_t index) const {
    if (fixed_) return pattern_ ? pattern_[index] : fixed_value_;
    return normal_pair(index)[0];
  }
  // Fills out[0..n) with standard normals for elements first .. first+n-1 (one per element).
  void normals(std::uint64_t first, std::size_t n, float* out) const;
  // Standard normals for elements first .. first+n-1, fast: four per generator block (Box–Muller on
  // both halves), in single precision with vectorised log, sqrt, cos and sin. Element i comes from
  // block i/4, lane i%4. This is a sequence of its own: it does not equal normal(i).
  void normals_fast(std::uint64_t first, std::size_t n, float* out) const;
  // Many ranges of normals_fast at once, all n long: range i is elements firsts[i] … firsts[i] + n − 1,
  // written to outs[i]. The draws equal one normals_fast call per range; their generator blocks go
  // through the vector generator together, which a short range alone would leave mostly idle.
  void normals_fast(const std::uint64_t* firsts, float* const* outs, std::size_t ranges, std::size_t n) const;
  // Draws 0 … n−1 of normals_fast, for a model that needs one per device.
  std::vector<float> normals_fast(std::size_t n) const {
    std::vector<float> z(n);
    normals_fast(0, n, z.data());
    return z;
  }

  // Corners and worst-case patterns: every normal draw of this stream becomes `value`, or
  // pattern[index] (the caller keeps the pattern alive and long enough). Uniform draws stay random.
  Stream& fix_normals(float value) {
    fixed_ = true;
    fixed_value_ = value;
    return *this;
  }
  Stream& fix_normals(const float* pattern) {
    fixed_ = true;
    pattern_ = pattern;
    return *this;
  }

 private:
  std::array<std::uint32_t, 2> key_;
  std::uint64_t stream_;
  bool fixed_ = false;
  float fixed_value_ = 0;
  const float* pattern_ = nullptr;
};

}  // namespace cimsim::rng
