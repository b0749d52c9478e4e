// The sweep-file reader on arbitrary text, and the expansion of its points (each point's config
// validated) when the sweep is small enough to expand quickly.
// seeds: scripts/studies/*.yaml scripts/tables/*.yaml

#include "fuzz_support.hpp"
#include "sim/sweep/points.hpp"

namespace {

// Points the file asks for, without expanding them.
std::int64_t points_of(const cimsim::sweep::SweepFile& s) {
  using cimsim::sweep::Mode;
  std::int64_t n = s.mode == Mode::Random ? s.random_points : 1;
  if (s.mode == Mode::Zip) n = static_cast<std::int64_t>(s.parameters.front().values.size());
  if (s.mode == Mode::Grid)
    for (const auto& p : s.parameters) n = std::min<std::int64_t>(n * static_cast<std::int64_t>(p.values.size()), 1 << 30);
  return n * static_cast<std::int64_t>(std::max<std::size_t>(1, s.seeds.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cimsim;
  // Two levels below the scratch root, where ../../configs/ finds the shipped configs.
  const std::string path = fuzz::write_input(fuzz::scratch() + "/a/b/sweep.yaml", data, size);
  fuzz::expect_clean([&] {
    const sweep::SweepFile s = sweep::read_sweep_file(path);
    if (points_of(s) <= 64) sweep::expand(s);
  });
  return 0;
}
