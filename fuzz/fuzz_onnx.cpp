// The ONNX importer on arbitrary bytes: protobuf parsing, graph checks, attribute ranges, constant
// folding, layouts, operators; a model that loads runs one zero sample through the float network
// when it is small enough to do so quickly. Inputs of odd length load with the weights left as
// stored (LoadOptions::weights_in_file, as `cimsim run` does), even ones with them built.
// seeds: traces/*/*.onnx fuzz/seeds/onnx/*.onnx

#include "fuzz_support.hpp"
#include "sim/functional/reference.hpp"
#include "sim/workload/onnx_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cimsim;
  fuzz::scratch();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  fuzz::expect_clean([&] {
    workload::LoadOptions options;
    options.weights_in_file = size % 2 == 1;
    const workload::Network net = workload::load_onnx_bytes(bytes, "<fuzz>", options);
    if (net.layers.empty()) __builtin_trap();
    if (net.macs_per_sample() < 20'000'000 && workload::element_count(net.input_shape) < 1'000'000)
      functional::float_logits(net, Eigen::MatrixXf::Zero(workload::element_count(net.input_shape), 1));
  });
  return 0;
}
