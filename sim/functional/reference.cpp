#include "sim/functional/reference.hpp"

#include <spdlog/spdlog.h>

#include "sim/functional/ops.hpp"
#include "sim/functional/written_product.hpp"
#include "sim/util/allocator.hpp"
#include "sim/util/cancel.hpp"
#include "sim/util/resident.hpp"
#include "sim/workload/activation_product.hpp"
#include "sim/workload/file_weights.hpp"

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

// float_matrix() for large weights left in the model file: a block of rows at a time, built
// from the file and multiplied, so that the layer's matrix is never whole in memory (VGG-16's
// first dense layer is 411 MB). Each output is still the product of its row with the lowered input.
Batch float_matrix_from_file(const Layer& l, const workload::FileWeights& fw, const Eigen::VectorXf& bias,
                             const Batch& x, Eigen::Index samples) {
  constexpr Eigen::Index kRows = 256;
  const Eigen::Index per_sample = l.vectors_per_sample();
  Batch y(fw.rows(), samples * per_sample);
  for (Eigen::Index r0 = 0; r0 < fw.rows(); r0 += kRows) {
    const Eigen::Index n = std::min(kRows, fw.rows() - r0);
    const Eigen::MatrixXf rows = fw.row_block(r0, n);
    for (Eigen::Index b = 0; b < samples; ++b)
      y.block(r0, b * per_sample, n, per_sample).noalias() = rows * lower_input(l, x.col(b));
  }
  y.colwise() += bias;
  return raise_output(l, y, samples);
}

// Weights past this many bytes, left in the model file, are multiplied a block of rows at a time.
constexpr double kWholeWeightBytes = 64.0 * (1 << 20);

// The float matrix product of a matrix layer on its lowered input, bias included. A QDQ model's
// input quantizer rounds the input onto its grid first, as ONNX computes the model. Each sample is
// its own product of one fixed shape: a GEMM's rounding depends on where a column sits in a larger
// product, and a sample's result must not depend on the batch it came in.
Batch float_matrix(const workload::Network& net, const Layer& l, const Batch& in) {
  const Layer& w = l.weight_source >= 0 ? net.layers[static_cast<std::size_t>(l.weight_source)] : l;
  const Batch x = l.input_quant ? Batch(in.unaryExpr([&](float v) { return l.input_quant->apply(v); })) : in;
  const Eigen::Index per_sample = l.vectors_per_sample();
  const Eigen::Index groups = l.op == workload::Op::Conv ? l.groups : 1;
  if (w.file_weights && groups == 1 &&
      static_cast<double>(w.file_weights->rows()) * static_cast<double>(w.file_weights->cols()) * sizeof(float) >
          kWholeWeightBytes)
    return float_matrix_from_file(l, *w.file_weights, w.bias, x, in.cols());
  Eigen::MatrixXf scratch;  // grouped weights left in the model file are built for this product only
  const Eigen::MatrixXf& weight = workload::weights_of(w, scratch);
  Batch y(weight.rows(), in.cols() * per_sample);
  // A grouped convolution's weights are block diagonal: only the blocks are multiplied (a
  // depthwise layer's full product would be `groups` times the work, all of it zeros).
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
                           const ProductStep& product, bool keep_all) {
  std::vector<Batch> out(net.layers.size());
  // The last layer reading each output: past it, an output nobody asked to keep is freed.
  std::vector<std::size_t> last_reader(net.layers.size(), 0);
  for (std::size_t i = 0; i < net.layers.size(); ++i)
    for (int src : net.layers[i].inputs)
      if (src != Layer::kNetworkInput) last_reader[static_cast<std::size_t>(src)] = i;
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
    if (spdlog::should_log(spdlog::level::trace)) {
      const util::Resident r = util::resident();
      spdlog::trace("layer {} ({}): resident {:.0f} MB, peak {:.0f} MB", i, layer.name, r.now_bytes / 1e6,
                    r.peak_bytes / 1e6);
    }
    if (keep_all) continue;
    for (int src : layer.inputs)
      if (src != Layer::kNetworkInput && last_reader[static_cast<std::size_t>(src)] == i &&
          static_cast<std::size_t>(src) + 1 < net.layers.size())
        out[static_cast<std::size_t>(src)] = Batch();
    // What the layer freed (its inputs, its temporaries) goes back to the kernel when it is much:
    // kept for reuse, a few layers' worth piled up (VGG-16 with 8 images: 170 MB over its
    // convolutions).
    util::return_freed_memory(util::kLargeFreedBytes);
  }
  return out;
}

Batch float_logits(const workload::Network& net, const Batch& x) {
  auto outs = forward(
      net, x,
      [&](int li, const Batch& in) -> Batch { return float_matrix(net, net.layers[static_cast<std::size_t>(li)], in); },
      nullptr, false);
  return outs.back();
}

std::vector<Batch> float_outputs(const workload::Network& net, const Batch& x) {
  return forward(net, x, [&](int li, const Batch& in) -> Batch {
    return float_matrix(net, net.layers[static_cast<std::size_t>(li)], in);
  });
}

void visit_float_layer_inputs(const workload::Network& net, const Batch& x,
                              const std::function<void(int, const Batch&)>& visit) {
  forward(
      net, x,
      [&](int li, const Batch& in) -> Batch {
        visit(li, in);
        return float_matrix(net, net.layers[static_cast<std::size_t>(li)], in);
      },
      nullptr, false);
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

namespace {

// The integer product of matrix layer `li` on the float inputs `in` (sample first_sample first),
// dequantized, biased and raised to the layer's output layout.
Batch quantized_matrix(const workload::QuantizedNetwork& qnet, int li, const Batch& in, std::int64_t first_sample,
                       MatrixBackend& backend, const MatrixObserver& observe) {
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
}

// Samples per backend call for matrix layer `l`: all of them, or as many as keep the lowered
// input codes, or the products and their dequantized copy (two doubles per output), within
// layer_group_bytes() (at least one).
Eigen::Index samples_per_call(const Layer& l, Eigen::Index samples) {
  const double per_vector = std::max(static_cast<double>(l.in_features()) * sizeof(int),
                                     static_cast<double>(l.out_features()) * 2 * sizeof(double));
  const double sample_bytes = per_vector * static_cast<double>(l.vectors_per_sample());
  const auto fit = static_cast<Eigen::Index>(static_cast<double>(layer_group_bytes()) / sample_bytes);
  return std::clamp<Eigen::Index>(fit, 1, std::max<Eigen::Index>(1, samples));
}

// The quantized pass; `lean`: only the last output is wanted, so outputs are freed once read,
// and a layer whose call would hold more than layer_group_bytes() for the whole batch runs a
// group of samples at a time (each vector's product does not depend on the others in its call).
std::vector<Batch> quantized_pass(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                                  MatrixBackend& backend, const MatrixObserver& observe, bool lean) {
  ProductStep written;
  if (qnet.products_on_arrays)
    written = [&](int li, const Batch& a, const Batch& b) { return written_product(qnet, li, a, b, first_sample, backend); };
  const auto step = [&](int li, const Batch& in) -> Batch {
    const Layer& l = qnet.net->layers[static_cast<std::size_t>(li)];
    const Eigen::Index group =
        lean && !observe && backend.splits_vectors() ? samples_per_call(l, in.cols()) : in.cols();
    if (group >= in.cols()) return quantized_matrix(qnet, li, in, first_sample, backend, observe);
    Batch out;
    for (Eigen::Index s0 = 0; s0 < in.cols(); s0 += group) {
      const Eigen::Index n = std::min(group, in.cols() - s0);
      const Batch part = quantized_matrix(qnet, li, in.middleCols(s0, n), first_sample + s0, backend, observe);
      if (out.size() == 0) out.resize(part.rows(), in.cols());
      out.middleCols(s0, n) = part;
    }
    return out;
  };
  return forward(*qnet.net, x, step, written, !lean);
}

}  // namespace

std::int64_t& layer_group_bytes() {
  static std::int64_t bytes = std::int64_t{64} << 20;
  return bytes;
}

std::vector<Batch> quantized_outputs(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                                     MatrixBackend& backend, const MatrixObserver& observe) {
  return quantized_pass(qnet, x, first_sample, backend, observe, false);
}

Batch quantized_logits(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                       MatrixBackend& backend, const MatrixObserver& observe) {
  return quantized_pass(qnet, x, first_sample, backend, observe, true).back();
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
