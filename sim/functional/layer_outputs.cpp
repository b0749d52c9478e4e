#include "sim/functional/layer_outputs.hpp"

namespace cimsim::functional {

namespace {

// Passes every product through and keeps it, with the codes it came from, by network layer.
class RecordingBackend final : public MatrixBackend {
 public:
  RecordingBackend(MatrixBackend& inner, std::size_t layers) : products(layers), codes(layers), inner_(inner) {}

  Eigen::MatrixXd multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& c, std::int64_t first_vector) override {
    Eigen::MatrixXd y = inner_.multiply(q, c, first_vector);
    const auto l = static_cast<std::size_t>(q.layer);
    products[l] = y;
    codes[l] = c;
    return y;
  }
  // A written layer makes one product per batch element and sample; its output is recorded whole.
  Eigen::MatrixXd multiply_written(const workload::QuantLayer& q, const Eigen::MatrixXi& c, std::int64_t first_vector,
                                   std::int64_t write) override {
    return inner_.multiply_written(q, c, first_vector, write);
  }

  std::vector<Eigen::MatrixXd> products;
  std::vector<Eigen::MatrixXi> codes;

 private:
  MatrixBackend& inner_;
};

}  // namespace

Batch recorded_logits(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                      std::int64_t total_samples, MatrixBackend& backend, LayerOutputSink& sink) {
  RecordingBackend recording(backend, qnet.net->layers.size());
  std::vector<Batch> outputs = quantized_outputs(qnet, x, first_sample, recording);
  BatchOutputs batch;
  batch.first_sample = first_sample;
  batch.samples = x.cols();
  batch.total_samples = total_samples;
  batch.outputs = &outputs;
  batch.products = &recording.products;
  batch.codes = &recording.codes;
  sink.record(batch);
  return outputs.back();
}

}  // namespace cimsim::functional
