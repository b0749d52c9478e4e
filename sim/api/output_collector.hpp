#pragma once
// Collects every layer's output of one chip instance's test pass into flat buffers that the
// caller keeps (api::LayerOutput): each batch writes its own rows, so batches on several threads
// need no lock, and the buffers come out in the order of the test set whatever the thread count.

#include <cstdint>
#include <mutex>
#include <vector>

#include "sim/api/cimsim.hpp"
#include "sim/functional/layer_outputs.hpp"
#include "sim/run/simulation.hpp"

namespace cimsim::api {

class OutputCollector final : public functional::LayerOutputSink {
 public:
  OutputCollector(std::uint32_t instance, bool input_codes) : instance_(instance), input_codes_(input_codes) {}

  std::uint32_t instance() const override { return instance_; }
  void record(const functional::BatchOutputs& batch) override;

  // The recorded layers, named and described from the finished run; the buffers move out.
  std::vector<LayerOutput> take(const run::Simulation& sim);

 private:
  struct Buffers {
    std::int64_t features = 0;                  // output elements per sample
    std::int64_t vectors = 0, in = 0, out = 0;  // matrix layers
    std::vector<float> values;
    std::vector<double> products;
    std::vector<std::int32_t> codes;
  };
  void allocate(const functional::BatchOutputs& batch);

  std::uint32_t instance_;
  bool input_codes_;
  std::once_flag allocated_;
  std::int64_t samples_ = 0;
  std::vector<Buffers> layers_;
};

}  // namespace cimsim::api
