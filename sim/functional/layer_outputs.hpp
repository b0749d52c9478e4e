#pragma once
// Every layer's output of the on-chip forward pass, for programs that want more than accuracy
// (the Python module, comparisons with PyTorch layer by layer). The test pass of one chip instance
// hands each batch to a sink; without a sink nothing is kept and nothing costs more.

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "sim/functional/reference.hpp"

namespace cimsim::functional {

// What one test batch computed, indexed by network layer.
struct BatchOutputs {
  std::int64_t first_sample = 0;
  std::int64_t samples = 0;
  std::int64_t total_samples = 0;  // in the whole test pass
  // Every layer's output after its activation (features × samples).
  const std::vector<Batch>* outputs = nullptr;
  // Matrix layers: the products the arrays delivered, W·q of the input codes q before the zero
  // point, scales and bias (outputs × vectors, a convolution's vectors sample by sample, pixel by
  // pixel); empty for digital layers. Whole numbers unless drift compensation scales the layer.
  const std::vector<Eigen::MatrixXd>* products = nullptr;
  // Matrix layers: the input codes q (inputs × vectors); empty for digital layers.
  const std::vector<Eigen::MatrixXi>* codes = nullptr;
};

class LayerOutputSink {
 public:
  virtual ~LayerOutputSink() = default;
  // The chip instance whose test pass is recorded.
  virtual std::uint32_t instance() const = 0;
  // Called once per test batch, from several threads at once for different batches.
  virtual void record(const BatchOutputs& batch) = 0;
};

// quantized_logits, with every layer's output, product and input codes handed to `sink`.
Batch recorded_logits(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                      std::int64_t total_samples, MatrixBackend& backend, LayerOutputSink& sink);

}  // namespace cimsim::functional
