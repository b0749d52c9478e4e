#pragma once
// The library's face for programs that run simulations in their own process: load a config, run
// it, read the report and every layer's output, follow its progress and stop it from another
// thread. Only standard types cross it, so a program needs no Eigen, SystemC or YAML headers;
// find_package(cimsim) or pkg-config cimsim give the include path, the library and the compile
// definitions. docs/library.md shows it in use. Model plug-ins use sim/plugins/plugin_api.hpp.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/config/error.hpp"  // ConfigError (file, line, column, key) and InputError
#include "sim/util/cancel.hpp"   // Cancelled

namespace cimsim {
namespace config {
class Config;
}
namespace run {
struct Simulation;
}

namespace api {

// "0.1.0"
std::string version();

// A validated configuration: every key checked, defaults filled, presets expanded.
class Config {
 public:
  // A config file with overrides written as on the command line ("adc.bits=6",
  // "cell={preset: pcm_ibm}"), applied in order. Relative paths start from the file's folder.
  static Config from_file(const std::string& path, const std::vector<std::string>& sets = {});
  // YAML text, named `origin` in errors. It cannot `include:`; relative paths start from the
  // working directory.
  static Config from_text(const std::string& yaml, const std::string& origin = "<text>",
                          const std::vector<std::string>& sets = {});

  // The whole config, defaults filled and paths absolute, as YAML that reproduces it.
  std::string resolved_yaml() const;
  // The config file, "" for text.
  const std::string& source() const;
  // run.output_dir: where `cimsim run` would write.
  std::string output_dir() const;

  const config::Config& internal() const { return *impl_; }

 private:
  explicit Config(std::shared_ptr<const config::Config> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const config::Config> impl_;
};

struct RunOptions {
  // Keep every layer's output of one chip instance's test pass (memory: every activation of every
  // test sample).
  bool record_outputs = false;
  std::uint32_t outputs_instance = 0;
  // With record_outputs: also the input codes of the layers on arrays.
  bool record_input_codes = false;
};

// One layer's outputs over the test samples, in the order of the test set. Arrays are flat,
// row-major, the sample axis first.
struct LayerOutput {
  std::string name;
  std::string op;                    // "dense", "conv", "maxpool", ...
  bool on_arrays = false;            // a matrix layer: runs on the crossbar arrays
  // What follows the layer inside it (ONNX Relu/Clip nodes are folded into the layer before them):
  // "none", "relu" or "clip" to [clip_min, clip_max].
  std::string activation;
  float clip_min = 0, clip_max = 0;
  std::vector<std::int64_t> shape;   // one sample's output, (channels, height, width) or (features)
  std::int64_t samples = 0;
  // After the activation, as the next layer sees it: samples × features.
  std::vector<float> values;

  // Layers on arrays. A convolution reads `vectors` input vectors per sample (its output pixels,
  // row by row); a dense layer reads one. in_features is the length of one input vector
  // (channels × kernel height × kernel width for a convolution, im2col order).
  std::int64_t vectors = 0, in_features = 0, out_features = 0;
  // The products W·q the arrays delivered after conversion and shift-add, in integer units:
  // samples × vectors × out_features. In `products` (exact whole numbers) unless digital drift
  // compensation scales the layer, then in `scaled_products` (not whole numbers).
  std::vector<std::int64_t> products;
  std::vector<double> scaled_products;
  // With record_input_codes: the input codes q, samples × vectors × in_features.
  std::vector<std::int32_t> input_codes;
  // The quantized layer: weight codes W (out_features × in_features, row-major), the float value
  // of one weight step per output, of one input step, the input zero point and the bias:
  // value = (w_scale · input_scale) · (W·q − zero_point · ΣW) + bias, then the activation.
  std::vector<std::int32_t> weights;
  std::vector<double> weight_scale;
  double input_scale = 1;
  std::int32_t input_zero_point = 0;
  std::vector<float> bias;
};

class Result {
 public:
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  // report.json's text, byte for byte what `cimsim run` writes for the same config.
  const std::string& report_json() const { return report_json_; }
  std::string layers_csv() const;
  std::string wallclock_json() const;
  std::string resolved_yaml() const;
  // The console summary `cimsim run` prints, naming `output_dir` as where the files are.
  std::string console_summary(const std::string& output_dir) const;
  // Writes report.json, layers.csv, resolved.yaml and wallclock.json (and the traces a config asks
  // for) into `dir`, as `cimsim run` does.
  void write(const std::string& dir) const;

  // Recorded layers (RunOptions::record_outputs), in network order; empty otherwise.
  const std::vector<LayerOutput>& outputs() const { return outputs_; }
  // The test labels (empty for unlabelled data) and which chip instance the outputs come from.
  const std::vector<std::int64_t>& labels() const;
  std::uint32_t outputs_instance() const { return outputs_instance_; }
  double wall_seconds() const;

  // The whole simulation, for programs built inside the cimsim tree (internal headers).
  const run::Simulation& simulation() const { return *sim_; }

 private:
  friend Result run(const Config&, const RunOptions&);
  Result();
  std::unique_ptr<run::Simulation> sim_;
  std::string report_json_;
  std::vector<LayerOutput> outputs_;
  std::uint32_t outputs_instance_ = 0;
};

// Runs the whole simulation in this process, on the threads run.threads says. Bad inputs throw
// ConfigError / InputError; a run stopped by cancel() throws Cancelled. Runs may come one after
// another in one process; the timing engine runs one at a time.
Result run(const Config& config, const RunOptions& options = {});

// From any thread: the run in progress (or the next one to start) throws Cancelled at its next
// check point, between layers of every forward pass or before the timing engine. The request is
// cleared when that run ends.
void cancel();

// The latest progress of the run in progress: which pass ("chip" over test samples × chip
// instances), how far. Poll it from another thread.
struct Progress {
  std::string label;
  std::size_t done = 0, total = 0;
};
Progress progress();

}  // namespace api
}  // namespace cimsim
