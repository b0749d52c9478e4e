#include "sim/api/output_collector.hpp"

#include <algorithm>
#include <cmath>

namespace cimsim::api {

void OutputCollector::allocate(const functional::BatchOutputs& b) {
  samples_ = b.total_samples;
  const std::vector<functional::Batch>& outputs = *b.outputs;
  layers_.resize(outputs.size());
  for (std::size_t l = 0; l < outputs.size(); ++l) {
    Buffers& buf = layers_[l];
    buf.features = outputs[l].rows();
    buf.values.resize(static_cast<std::size_t>(buf.features * samples_));
    const Eigen::MatrixXd& p = (*b.products)[l];
    if (p.size() == 0) continue;
    buf.out = p.rows();
    buf.vectors = p.cols() / b.samples;
    buf.in = (*b.codes)[l].rows();
    buf.products.resize(static_cast<std::size_t>(samples_ * buf.vectors * buf.out));
    if (input_codes_) buf.codes.resize(static_cast<std::size_t>(samples_ * buf.vectors * buf.in));
  }
}

void OutputCollector::record(const functional::BatchOutputs& b) {
  std::call_once(allocated_, [&] { allocate(b); });
  // Column-major (features × samples) is row-major (samples × features): each batch is one block.
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    Buffers& buf = layers_[l];
    const functional::Batch& y = (*b.outputs)[l];
    std::copy(y.data(), y.data() + y.size(), buf.values.begin() + b.first_sample * buf.features);
    if (buf.products.empty()) continue;
    const Eigen::MatrixXd& p = (*b.products)[l];
    std::copy(p.data(), p.data() + p.size(), buf.products.begin() + b.first_sample * buf.vectors * buf.out);
    if (!buf.codes.empty()) {
      const Eigen::MatrixXi& c = (*b.codes)[l];
      std::copy(c.data(), c.data() + c.size(), buf.codes.begin() + b.first_sample * buf.vectors * buf.in);
    }
  }
}

std::vector<LayerOutput> OutputCollector::take(const run::Simulation& sim) {
  std::vector<LayerOutput> result;
  if (layers_.empty()) return result;  // no test samples
  std::vector<bool> scaled(sim.network.layers.size(), false);
  for (const auto& lm : sim.chip.layers)
    if (lm.output_scaling) scaled[static_cast<std::size_t>(lm.layer)] = true;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const workload::Layer& layer = sim.network.layers[l];
    Buffers& buf = layers_[l];
    LayerOutput o;
    o.name = layer.name;
    o.op = workload::op_name(layer.op);
    o.on_arrays = layer.is_matrix();
    o.activation = layer.activation.text();
    o.clip_min = layer.activation.lo;
    o.clip_max = layer.activation.hi;
    o.shape = layer.out_shape;
    o.samples = samples_;
    o.values = std::move(buf.values);
    if (o.on_arrays) {
      const workload::QuantLayer& q = sim.qnet.of(static_cast<int>(l));
      o.vectors = buf.vectors;
      o.in_features = buf.in;
      o.out_features = buf.out;
      if (scaled[l]) {
        o.scaled_products = std::move(buf.products);
      } else {
        o.products.resize(buf.products.size());
        std::transform(buf.products.begin(), buf.products.end(), o.products.begin(),
                       [](double v) { return static_cast<std::int64_t>(std::llround(v)); });
      }
      o.input_codes = std::move(buf.codes);
      o.weights.resize(static_cast<std::size_t>(q.w.size()));
      Eigen::Map<Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          o.weights.data(), q.w.rows(), q.w.cols()) = q.w.cast<std::int32_t>();
      o.weight_scale.assign(q.w_scale.data(), q.w_scale.data() + q.w_scale.size());
      o.input_scale = q.input_scale;
      o.input_zero_point = q.input_zero_point;
      o.bias.assign(layer.bias.data(), layer.bias.data() + layer.bias.size());
    }
    result.push_back(std::move(o));
  }
  layers_.clear();
  return result;
}

}  // namespace cimsim::api
