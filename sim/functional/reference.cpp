#include "sim/functional/reference.hpp"

#include "sim/functional/ops.hpp"
#include "sim/functional/written_product.hpp"
#include "sim/util/cancel.hpp"
#include "sim/workload/activation_product.hpp"

namespace cimsim::functional {

using workload::Activation;
using workload::Layer;

namespace {

void apply_activation(Batch& y, const Activation& a) {
  switch (a.kind) {
    case Activation::Kind::None: break;
    case Activation::Kind::Relu: y = y.cwiseMax(0.0f); break;
    case Activation::Kind::Clip: y = y.cwiseMax(a.lo).cwiseMin(a.hi); break;
  }
}

// The float matrix product of a matrix layer on its lowered input, bias included. A QDQ model's
// input quantizer rounds the input onto its grid first, as ONNX computes the model. Each sample is
// its own product of one fixed shape: a GEMM's rounding depends on where a column sits in a larger
// product, and a sample's result must not depend on the batch it came in.
Batch float_matrix(const workload::Network& net, const Layer& l, const Batch& in) {
  const Layer& w = l.weight_source >= 0 ? net.layers[static_cast<std::size_t>(l.weight_source)] : l;
  const Batch x = l.input_quant ? Batch(in.unaryExpr([&](float v) { return l.input_quant->apply(v); })) : in;
  const Eigen::Index per_sample = l.vectors_per_sample();
  Eigen::MatrixXf scratch;  // weights left in the model file are built for this product only
  const Eigen::MatrixXf& weight = workload::weights_of(w, scratch);
  Batch y(weight.rows(), in.cols() * per_sample);
  // A grouped convolution's weights are block diagonal: only the blocks are multiplied (a
  // depthwise layer's full product would be `groups` times the work, all of it zeros).
  const Eigen::Index groups = l.op == workload::Op::Conv ? l.groups : 1;
  const Eigen::Index outs = weight.rows() / groups, ins = weight.cols() / groups;
  for (Eigen::Index b = 0; b < in.cols(); ++b) {
    const Batch lowered = lower_input(l, x.col(b));
    for (Eigen::Index g = 0; g < groups; ++g)
      y.block(g * outs, b * per_sample, outs, per_sample).noalias() =
          weight.block(g * outs, g * ins, outs, ins) * lowered.middleRows(g * ins, ins);
  }
  y.colwise() += w.bias;
  return raise_output(l, y, in.cols());
}

// Global number of the first input vector of sample `sample` in matrix layer `l`. The steps of a
// recurrent product share arrays, so each step's vectors get numbers of their own: sample-major,
// then step, then the step's vectors.
std::int64_t first_vector_of(const Layer& l, std::int64_t sample) {
  const std::int64_t v = l.vectors_per_sample();
  return (sample * l.steps + l.step) * v;
}

}  // namespace

std::vector<Batch> forward(const workload::Network& net, const Batch& x, const MatrixStep& step,
                           const ProductStep& product) {
  std::vector<Batch> out(net.layers.size());
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    util::check_cancelled();  // every forward pass stops between layers when a run is cancelled
    const Layer& layer = net.layers[i];
    std::vector<const Batch*> inputs;
    for (int src : layer.inputs) inputs.push_back(src == Layer::kNetworkInput ? &x : &out[static_cast<std::size_t>(src)]);
    const bool written = product && !layer.is_matrix() && workload::activation_product(layer);
    Batch y = layer.is_matrix() ? step(static_cast<int>(i), *inputs.front())
              : written         ? product(static_cast<int>(i), *inputs[0], *inputs[1])
                                : digital_forward(layer, inputs);
    apply_activation(y, layer.activation);
    if (layer.output_quant) y = y.unaryExpr([&](float v) { return layer.output_quant->apply(v); });
    out[i] = std::move(y);
  }
  return out;
}

Batch float_logits(const workload::Network& net, const Batch& x) {
  auto outs = forward(net, x, [&](int li, const Batch& in) -> Batch {
    return float_matrix(net, net.layers[static_cast<std::size_t>(li)], in);
  });
  return outs.back();
}

std::vector<Batch> float_outputs(const workload::Network& net, const Batch& x) {
  return forward(net, x, [&](int li, const Batch& in) -> Batch {
    return float_matrix(net, net.layers[static_cast<std::size_t>(li)], in);
  });
}

std::vector<Batch> float_layer_inputs(const workload::Network& net, const Batch& x) {
  std::vector<Batch> inputs(net.layers.size());
  forward(net, x, [&](int li, const Batch& in) -> Batch {
    inputs[static_cast<std::size_t>(li)] = in;
    return float_matrix(net, net.layers[static_cast<std::size_t>(li)], in);
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

std::vector<Batch> quantized_outputs(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                                     MatrixBackend& backend, const MatrixObserver& observe) {
  ProductStep written;
  if (qnet.products_on_arrays)
    written = [&](int li, const Batch& a, const Batch& b) { return written_product(qnet, li, a, b, first_sample, backend); };
  return forward(*qnet.net, x, [&](int li, const Batch& in) -> Batch {
    const workload::QuantLayer& q = qnet.of(li);
    const Layer& l = qnet.net->layers[static_cast<std::size_t>(li)];
    const Layer& w = l.weight_source >= 0 ? qnet.net->layers[static_cast<std::size_t>(l.weight_source)] : l;
    // Vectors are numbered sample by sample, pixel by pixel, so that per-read draws follow the
    // vector, not the batch it happens to be in.
    // A convolution's codes are lowered after quantizing (each input element once, pads at the
    // code of a zero input), which equals quantizing the lowered floats.
    const Eigen::MatrixXi codes = l.op == workload::Op::Conv
                                      ? lower_conv_codes(l, input_codes(q, in), workload::quantize_input(0.0f, q))
                                      : input_codes(q, lower_input(l, in));
    Eigen::MatrixXd acc;
    if (l.steps > 1) {
      // A recurrent step's vectors are not consecutive across samples: one product per sample.
      const Eigen::Index v = l.vectors_per_sample();
      acc.resize(q.w.rows(), codes.cols());
      for (Eigen::Index s = 0; s < in.cols(); ++s)
        acc.middleCols(s * v, v) = backend.multiply(q, codes.middleCols(s * v, v), first_vector_of(l, first_sample + s));
    } else {
      acc = backend.multiply(q, codes, first_vector_of(l, first_sample));
    }
    if (observe) observe(li, in, acc);
    // W·(q − z) = W·q − z·Σ_i W_i: the zero point comes off digitally, one constant per output.
    if (q.input_zero_point != 0) acc.colwise() -= static_cast<double>(q.input_zero_point) * q.w_row_sums;
    Eigen::MatrixXd y = (q.w_scale * q.input_scale).asDiagonal() * acc;
    y.colwise() += w.bias.cast<double>();
    return raise_output(l, y.cast<float>(), in.cols());
  }, written);
}

Batch quantized_logits(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                       MatrixBackend& backend, const MatrixObserver& observe) {
  return quantized_outputs(qnet, x, first_sample, backend, observe).back();
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
