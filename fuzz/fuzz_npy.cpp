// The .npy reader on arbitrary bytes: header parsing, dtypes, sizes, data length, finite values.
// seeds: traces/*/*.npy

#include "fuzz_support.hpp"
#include "sim/util/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cimsim;
  fuzz::scratch();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  fuzz::expect_clean([&] {
    const npy::Array a = npy::parse(bytes, "<fuzz>");
    if (a.size() != static_cast<std::int64_t>(a.values.size())) __builtin_trap();
    npy::non_finite(a);
  });
  // The file path too: it reads the header and then only the rows asked for.
  const std::string path = fuzz::write_input(fuzz::scratch() + "/input.npy", data, size);
  fuzz::expect_clean([&] { npy::load(path, 1); });
  return 0;
}
