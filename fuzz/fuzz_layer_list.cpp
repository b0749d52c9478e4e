// The layer-list network loader on arbitrary text: layer types, keys, sizes, windows, inputs,
// weights from .npy files (the shipped ones are at hand) and seeded initialisation. The seeds are
// the small shipped lists and fuzz/seeds/layer_list/, which use every type and key at toy sizes:
// the ResNet and VGG lists draw millions of weights per load, which held the rate near 20 inputs/s
// and added no syntax the small ones lack.
// seeds: fuzz/seeds/layer_list/*.yaml traces/digits_mlp/network.yaml traces/golden_tiny/network.yaml traces/kws_cnn/network.yaml

#include "fuzz_support.hpp"
#include "sim/workload/layer_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cimsim;
  // Beside links to every shipped .npy file, so that the shipped layer lists' weights resolve.
  const std::string path = fuzz::write_input(fuzz::scratch() + "/a/network.yaml", data, size);
  fuzz::expect_clean([&] { workload::load_layer_list(path); });
  return 0;
}
