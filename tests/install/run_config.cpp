// A program of a cimsim user: runs a config in its own process through the library's public API
// (sim/api/cimsim.hpp) and prints what it got.
//   run_config CONFIG OUTPUT_DIR [KEY=VALUE ...]
#include <iostream>
#include <string>
#include <vector>

#include "sim/api/cimsim.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: run_config CONFIG OUTPUT_DIR [KEY=VALUE ...]\n";
    return 2;
  }
  const std::vector<std::string> sets(argv + 3, argv + argc);
  try {
    const cimsim::api::Config config = cimsim::api::Config::from_file(argv[1], sets);
    cimsim::api::RunOptions options;
    options.record_outputs = true;
    const cimsim::api::Result result = cimsim::api::run(config, options);
    result.write(argv[2]);
    const cimsim::api::LayerOutput& last = result.outputs().back();
    std::cout << "cimsim " << cimsim::api::version() << ": " << last.samples << " samples, " << result.outputs().size()
              << " layers, logits of " << last.values.size() / static_cast<std::size_t>(last.samples)
              << " classes from layer " << last.name << "\n";
    std::cout << result.console_summary(argv[2]);
  } catch (const cimsim::config::ConfigError& e) {
    std::cerr << e.what() << "\n(key " << e.key() << ", line " << e.where().line << ")\n";
    return 2;
  } catch (const cimsim::config::InputError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
