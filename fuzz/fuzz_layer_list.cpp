// The layer-list network loader on arbitrary text: layer types, keys, sizes, windows, inputs,
// weights from .npy files (the shipped ones are at hand) and seeded initialisation.
// seeds: traces/*/network.yaml

#include "fuzz_support.hpp"
#include "sim/workload/layer_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cimsim;
  // Beside links to every shipped .npy file, so that the shipped layer lists' weights resolve.
  const std::string path = fuzz::write_input(fuzz::scratch() + "/a/network.yaml", data, size);
  fuzz::expect_clean([&] { workload::load_layer_list(path); });
  return 0;
}
