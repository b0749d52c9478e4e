#include "sim/analysis/gradient.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/config/error.hpp"
#include "sim/functional/ops.hpp"
#include "sim/util/cancel.hpp"

namespace cimsim::analysis {

using functional::Batch;
using workload::Layer;
using workload::Op;

namespace {

// The layer whose weights a matrix layer uses: itself, or step 0 of its recurrent product.
std::size_t owner_of(const workload::Network& net, std::size_t l) {
  const int src = net.layers[l].weight_source;
  return src >= 0 ? static_cast<std::size_t>(src) : l;
}

const Eigen::MatrixXf& weights_of(const workload::Network& net, const std::vector<Eigen::MatrixXf>& w, std::size_t l) {
  l = owner_of(net, l);
  if (net.layers[l].file_weights)  // the loader keeps them built for this analysis (run::prepare)
    throw std::logic_error("gradient: layer '" + net.layers[l].name + "' has its weights left in the model file");
  return l < w.size() && w[l].size() > 0 ? w[l] : net.layers[l].weight;
}

// A matrix layer's output gradient as columns of its lowered product (the inverse of
// functional::raise_output): channels × (samples · vectors).
Batch lower_output_gradient(const Layer& l, const Batch& g, Eigen::Index batch) {
  const Eigen::Index rows = l.out_features(), vectors = l.vectors_per_sample();
  if (l.op == Op::Dense) return Eigen::Map<const Batch>(g.data(), rows, vectors * batch);
  Batch g_low(rows, batch * vectors);
  for (Eigen::Index b = 0; b < batch; ++b)
    for (Eigen::Index c = 0; c < rows; ++c)
      for (Eigen::Index p = 0; p < vectors; ++p) g_low(c, b * vectors + p) = g(c * vectors + p, b);
  return g_low;
}

// Gradient of a lowered convolution's input: each column of d_lowered goes back to the pixels it
// was gathered from (the transpose of functional::lower_conv_input).
Batch scatter_conv_input(const Layer& conv, const Batch& d_lowered, Eigen::Index samples) {
  const workload::Spatial in = workload::spatial_of(conv.in_shape), out = workload::spatial_of(conv.out_shape);
  const int c = static_cast<int>(in.c), h = static_cast<int>(in.h), w = static_cast<int>(in.w);
  const int oh = static_cast<int>(out.h), ow = static_cast<int>(out.w);
  const auto& win = conv.window;
  const Eigen::Index pixels = static_cast<Eigen::Index>(oh) * ow;
  Batch dx = Batch::Zero(static_cast<Eigen::Index>(c) * h * w, samples);
  for (Eigen::Index b = 0; b < samples; ++b)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        const float* v = d_lowered.col(b * pixels + oy * ow + ox).data();
        for (int ch = 0; ch < c; ++ch)
          for (int ky = 0; ky < win.kernel_h; ++ky) {
            const int y = oy * win.stride_h - win.pad_top + ky * win.dilation_h;
            for (int kx = 0; kx < win.kernel_w; ++kx, ++v) {
              const int xx = ox * win.stride_w - win.pad_left + kx * win.dilation_w;
              if (y >= 0 && y < h && xx >= 0 && xx < w) dx((static_cast<Eigen::Index>(ch) * h + y) * w + xx, b) += *v;
            }
          }
      }
  return dx;
}

// Back through a pooling layer.
Batch pool_backward(const Layer& l, const Batch& x, const Batch& dy) {
  const workload::Spatial in = workload::spatial_of(l.in_shape), out = workload::spatial_of(l.out_shape);
  const int c = static_cast<int>(in.c), h = static_cast<int>(in.h), w = static_cast<int>(in.w);
  const int oh = static_cast<int>(out.h), ow = static_cast<int>(out.w);
  const auto& win = l.window;
  const bool max = l.op == Op::MaxPool;
  Batch dx = Batch::Zero(x.rows(), x.cols());
  for (Eigen::Index b = 0; b < x.cols(); ++b)
    for (int ch = 0; ch < c; ++ch)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          const float g = dy((static_cast<Eigen::Index>(ch) * oh + oy) * ow + ox, b);
          Eigen::Index best = -1;
          float best_v = -std::numeric_limits<float>::infinity();
          std::vector<Eigen::Index> cells;
          int n = 0;
          for (int ky = 0; ky < win.kernel_h; ++ky)
            for (int kx = 0; kx < win.kernel_w; ++kx) {
              const int y = oy * win.stride_h - win.pad_top + ky * win.dilation_h;
              const int xx = ox * win.stride_w - win.pad_left + kx * win.dilation_w;
              if (y < 0 || y >= h || xx < 0 || xx >= w) {
                const bool in_pad = y >= -win.pad_top && y < h + win.pad_bottom && xx >= -win.pad_left &&
                                    xx < w + win.pad_right;
                if (l.count_include_pad && in_pad) ++n;
                continue;
              }
              const Eigen::Index k = (static_cast<Eigen::Index>(ch) * h + y) * w + xx;
              cells.push_back(k);
              ++n;
              if (x(k, b) > best_v) {
                best_v = x(k, b);
                best = k;
              }
            }
          if (max) {
            if (best >= 0) dx(best, b) += g;
          } else {
            for (Eigen::Index k : cells) dx(k, b) += g / static_cast<float>(n);
          }
        }
  return dx;
}

}  // namespace

LossGradient loss_gradient(const workload::Network& net, const std::vector<Eigen::MatrixXf>& weights,
                           const Eigen::MatrixXf& x, const std::vector<std::int64_t>& labels) {
  const std::size_t n = net.layers.size();
  const Eigen::Index batch = x.cols();
  std::vector<Batch> pre(n), out(n);
  auto input_of = [&](int src) -> const Batch& { return src == Layer::kNetworkInput ? x : out[static_cast<std::size_t>(src)]; };

  // Forward, keeping every layer's output before and after its activation.
  for (std::size_t l = 0; l < n; ++l) {
    util::check_cancelled();  // the worst-case search stops between layers when a run is cancelled
    const Layer& layer = net.layers[l];
    std::vector<const Batch*> ins;
    for (int s : layer.inputs) ins.push_back(&input_of(s));
    if (layer.is_matrix()) {
      Batch y = weights_of(net, weights, l) * functional::lower_input(layer, *ins.front());
      y.colwise() += net.layers[owner_of(net, l)].bias;
      pre[l] = functional::raise_output(layer, y, batch);
    } else {
      pre[l] = functional::digital_forward(layer, ins);
    }
    out[l] = pre[l];
    const auto& a = layer.activation;
    if (a.kind == workload::Activation::Kind::Relu) out[l] = out[l].cwiseMax(0.0f);
    if (a.kind == workload::Activation::Kind::Clip) out[l] = out[l].cwiseMax(a.lo).cwiseMin(a.hi);
    if (layer.output_quant) out[l] = out[l].unaryExpr([&](float v) { return layer.output_quant->apply(v); });
  }

  // Softmax cross-entropy on the last layer's output.
  LossGradient result;
  result.weights.resize(n);
  std::vector<Batch> grad(n);
  const Batch& logits = out.back();
  grad.back() = Batch::Zero(logits.rows(), batch);
  for (Eigen::Index b = 0; b < batch; ++b) {
    const float m = logits.col(b).maxCoeff();
    const Eigen::VectorXf e = (logits.col(b).array() - m).exp();
    const float z = e.sum();
    const auto label = static_cast<Eigen::Index>(labels[static_cast<std::size_t>(b)]);
    result.loss += std::log(z) - (logits(label, b) - m);
    grad.back().col(b) = e / z;
    grad.back()(label, b) -= 1.0f;
  }
  result.loss /= static_cast<double>(batch);
  grad.back() /= static_cast<float>(batch);

  // Backward, in reverse order; gradients of shared inputs add up.
  Batch grad_input = Batch::Zero(x.rows(), batch);
  auto add_to = [&](int src, const Batch& g) {
    Batch& dst = src == Layer::kNetworkInput ? grad_input : grad[static_cast<std::size_t>(src)];
    if (dst.size() == 0) dst = g;
    else dst += g;
  };
  for (std::size_t l = n; l-- > 0;) {
    const Layer& layer = net.layers[l];
    if (grad[l].size() == 0) continue;
    Batch g = grad[l];
    // Fake-quantization passes straight through; activations gate the gradient.
    const auto& a = layer.activation;
    if (a.kind == workload::Activation::Kind::Relu) g = (pre[l].array() > 0.0f).select(g, 0.0f);
    if (a.kind == workload::Activation::Kind::Clip)
      g = (pre[l].array() > a.lo && pre[l].array() < a.hi).select(g, 0.0f);
    const Batch& in0 = input_of(layer.inputs.front());
    switch (layer.op) {
      case Op::Dense:
      case Op::Conv: {
        // Steps of a recurrent product add their gradients into step 0's weights.
        const Eigen::MatrixXf& w = weights_of(net, weights, l);
        const Batch g_low = lower_output_gradient(layer, g, batch);
        const Batch dw = g_low * functional::lower_input(layer, in0).transpose();
        Eigen::MatrixXf& acc = result.weights[owner_of(net, l)];
        if (acc.size() == 0) acc = dw;
        else acc += dw;
        const Batch dx_low = w.transpose() * g_low;
        add_to(layer.inputs.front(), layer.op == Op::Conv ? scatter_conv_input(layer, dx_low, batch)
                                                          : Batch(Eigen::Map<const Batch>(dx_low.data(), in0.rows(), batch)));
        break;
      }
      case Op::MaxPool:
      case Op::AvgPool: add_to(layer.inputs.front(), pool_backward(layer, in0, g)); break;
      case Op::GlobalAvgPool: {
        const Eigen::Index c = layer.in_shape[0], hw = workload::element_count(layer.in_shape) / c;
        Batch dx(c * hw, batch);
        for (Eigen::Index b = 0; b < batch; ++b)
          for (Eigen::Index ch = 0; ch < c; ++ch) dx.col(b).segment(ch * hw, hw).setConstant(g(ch, b) / static_cast<float>(hw));
        add_to(layer.inputs.front(), dx);
        break;
      }
      case Op::Add:
        for (int s : layer.inputs) add_to(s, g);
        break;
      case Op::Concat: {
        Eigen::Index at = 0;
        for (int s : layer.inputs) {
          const Eigen::Index rows = input_of(s).rows();
          add_to(s, g.middleRows(at, rows));
          at += rows;
        }
        break;
      }
      case Op::Flatten:
      case Op::Identity: add_to(layer.inputs.front(), g); break;
      case Op::Operator: {
        if (!layer.op_impl->differentiable())
          throw config::InputError(net.source + ": error: layer '" + layer.name + "' (" + layer.op_type +
                                   "): the worst-case search back-propagates through every layer, and this operator "
                                   "gives no gradient");
        std::vector<const Batch*> ins;
        for (int s : layer.inputs) ins.push_back(&input_of(s));
        const std::vector<Batch> gs = layer.op_impl->backward(ins, pre[l], g);
        for (std::size_t k = 0; k < gs.size(); ++k) add_to(layer.inputs[k], gs[k]);
        break;
      }
    }
  }
  return result;
}

}  // namespace cimsim::analysis
