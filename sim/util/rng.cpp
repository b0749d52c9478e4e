#include "sim/util/rng.hpp"

namespace cimsim::rng {

namespace {
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
constexpr double kTwoPi = 6.283185307179586476925286766559;

inline void round_once(Block& c, std::array<std::uint32_t, 2>& k) {
  const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * c[0];
  const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * c[2];
  const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
  const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
  c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}
}  // namespace

Block philox4x32_10(Block c, std::array<std::uint32_t, 2> k) {
  for (int r = 0; r < 10; ++r) {
    if (r) {
      k[0] += kW0;
      k[1] += kW1;
    }
    round_once(c, k);
  }
  return c;
}

Stream::Stream(std::uint64_t seed, Purpose purpose, std::initializer_list<std::uint64_t> ids) {
  key_ = {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  std::uint64_t h = mix64(static_cast<std::uint64_t>(purpose));
  for (std::uint64_t id : ids) h = mix64(h ^ mix64(id + 0x632BE59BD9B4E019ull));
  stream_ = h;
}

Block Stream::bits(std::uint64_t index) const {
  return philox4x32_10({static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
                        static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)},
                       key_);
}

std::array<double, 2> Stream::normal_pair(std::uint64_t index) const {
  const Block b = bits(index);
  const double u1 = to_unit(b[0], b[1]);
  const double u2 = to_unit(b[2], b[3]);
  const double r = std::sqrt(-2.0 * std::log(u1));
  return {r * std::cos(kTwoPi * u2), r * std::sin(kTwoPi * u2)};
}

void Stream::normals(std::uint64_t first, std::size_t n, float* out) const {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(normal_pair(first + i)[0]);
}

}  // namespace cimsim::rng
