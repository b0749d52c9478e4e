#include "sim/functional/reference.hpp"

namespace cimsim::functional {

using workload::Activation;
using workload::Layer;

namespace {

Batch apply_activation(Batch y, Activation a) {
  if (a == Activation::Relu) y = y.cwiseMax(0.0f);
  return y;
}

}  // namespace

std::vector<Batch> forward(const workload::Network& net, const Batch& x, const MatrixStep& step) {
  std::vector<Batch> out(net.layers.size());
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& layer = net.layers[i];
    const int src = layer.inputs.empty() ? Layer::kNetworkInput : layer.inputs.front();
    const Batch& input = src == Layer::kNetworkInput ? x : out[static_cast<std::size_t>(src)];
    Batch y;
    if (layer.is_matrix()) y = step(static_cast<int>(i), input);
    out[i] = apply_activation(std::move(y), layer.activation);
  }
  return out;
}

Batch float_logits(const workload::Network& net, const Batch& x) {
  auto outs = forward(net, x, [&](int li, const Batch& in) -> Batch {
    const Layer& l = net.layers[static_cast<std::size_t>(li)];
    Batch y = l.weight * in;
    y.colwise() += l.bias;
    return y;
  });
  return outs.back();
}

std::vector<Batch> float_layer_inputs(const workload::Network& net, const Batch& x) {
  std::vector<Batch> inputs(net.layers.size());
  forward(net, x, [&](int li, const Batch& in) -> Batch {
    const Layer& l = net.layers[static_cast<std::size_t>(li)];
    inputs[static_cast<std::size_t>(li)] = in;
    Batch y = l.weight * in;
    y.colwise() += l.bias;
    return y;
  });
  return inputs;
}

Eigen::MatrixXi input_codes(const workload::QuantLayer& q, const Batch& input) {
  Eigen::MatrixXi codes(input.rows(), input.cols());
  for (Eigen::Index k = 0; k < input.size(); ++k) codes.data()[k] = workload::quantize_input(input.data()[k], q);
  return codes;
}

Eigen::MatrixXd ExactBackend::multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes, std::int64_t) {
  // Products and sums of 16-bit codes stay far below 2^53, so double arithmetic is exact.
  return q.w.cast<double>() * codes.cast<double>();
}

Batch quantized_logits(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                       MatrixBackend& backend) {
  auto outs = forward(*qnet.net, x, [&](int li, const Batch& in) -> Batch {
    const workload::QuantLayer& q = qnet.of(li);
    const Layer& l = qnet.net->layers[static_cast<std::size_t>(li)];
    const Eigen::MatrixXd acc = backend.multiply(q, input_codes(q, in), first_sample);
    Eigen::MatrixXd y = (q.w_scale * q.input_scale).asDiagonal() * acc;
    y.colwise() += l.bias.cast<double>();
    return y.cast<float>();
  });
  return outs.back();
}

std::vector<std::int64_t> argmax(const Batch& logits) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(logits.cols()));
  for (Eigen::Index s = 0; s < logits.cols(); ++s) {
    Eigen::Index best = 0;
    for (Eigen::Index r = 1; r < logits.rows(); ++r)
      if (logits(r, s) > logits(best, s)) best = r;
    out[static_cast<std::size_t>(s)] = best;
  }
  return out;
}

}  // namespace cimsim::functional
