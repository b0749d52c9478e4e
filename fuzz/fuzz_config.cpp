// The YAML config loader on arbitrary text: YAML syntax, anchors and aliases, includes, presets,
// --set style overrides, every parameter's type and range, and `cimsim check`'s workload checks.
// seeds: configs/*.yaml configs/*/*.yaml tests/bad_input/*.yaml

#include "fuzz_support.hpp"
#include "sim/config/loader.hpp"
#include "sim/run/preflight.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cimsim;
  // Beside configs/ and traces/ as a shipped config is, so that its relative paths resolve.
  const std::string path = fuzz::write_input(fuzz::scratch() + "/a/input.yaml", data, size);
  fuzz::expect_clean([&] {
    config::LoadOptions options;
    // Half the inputs also switch a model from the command line (the input's size decides).
    if (size % 2 == 1) options.sets = {"cell.model=ideal"};
    const config::Config c = config::load_config(path, options);
    run::check_workload(c);
  });
  return 0;
}
