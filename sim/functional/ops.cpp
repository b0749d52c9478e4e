#include "sim/functional/ops.hpp"

#include <limits>

namespace cimsim::functional {

using workload::Layer;
using workload::Op;

namespace {

struct Geometry {
  int c, h, w, oh, ow;
};

Geometry geometry(const Layer& l) {
  const workload::Spatial in = workload::spatial_of(l.in_shape), out = workload::spatial_of(l.out_shape);
  return {static_cast<int>(in.c), static_cast<int>(in.h), static_cast<int>(in.w), static_cast<int>(out.h),
          static_cast<int>(out.w)};
}

// im2col of any element type: one column per (sample, output pixel); pads are `pad`.
template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> lower(const Layer& conv,
                                                        const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& input,
                                                        T pad) {
  const Geometry g = geometry(conv);
  const auto& win = conv.window;
  const int kk = win.kernel_h * win.kernel_w;
  const Eigen::Index pixels = static_cast<Eigen::Index>(g.oh) * g.ow;
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> out(static_cast<Eigen::Index>(g.c) * kk, input.cols() * pixels);
  for (Eigen::Index b = 0; b < input.cols(); ++b) {
    const T* x = input.col(b).data();
    for (int oy = 0; oy < g.oh; ++oy) {
      for (int ox = 0; ox < g.ow; ++ox) {
        T* v = out.col(b * pixels + oy * g.ow + ox).data();
        for (int c = 0; c < g.c; ++c) {
          for (int ky = 0; ky < win.kernel_h; ++ky) {
            const int y = oy * win.stride_h - win.pad_top + ky * win.dilation_h;
            for (int kx = 0; kx < win.kernel_w; ++kx) {
              const int xx = ox * win.stride_w - win.pad_left + kx * win.dilation_w;
              const bool inside = y >= 0 && y < g.h && xx >= 0 && xx < g.w;
              *v++ = inside ? x[(static_cast<std::size_t>(c) * g.h + y) * g.w + xx] : pad;
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

Batch lower_conv_input(const Layer& conv, const Batch& input, float pad_value) { return lower(conv, input, pad_value); }

Eigen::MatrixXi lower_conv_codes(const Layer& conv, const Eigen::MatrixXi& codes, std::int32_t pad_code) {
  return lower(conv, codes, pad_code);
}

Batch lower_input(const Layer& l, const Batch& input, float pad_value) {
  if (l.op == Op::Conv) return lower_conv_input(l, input, pad_value);
  if (l.op == Op::Dense && l.per_position)
    return Eigen::Map<const Batch>(input.data(), l.in_features(), input.size() / l.in_features());
  return input;
}

Batch raise_output(const Layer& l, const Batch& lowered, Eigen::Index samples) {
  if (l.op == Op::Conv) return raise_conv_output(l, lowered, samples);
  if (l.op == Op::Dense && l.per_position) return Eigen::Map<const Batch>(lowered.data(), lowered.size() / samples, samples);
  return lowered;
}

Batch raise_conv_output(const Layer& conv, const Batch& lowered, Eigen::Index samples) {
  const Eigen::Index pixels = conv.vectors_per_sample();
  const Eigen::Index channels = lowered.rows();
  Batch out(channels * pixels, samples);
  for (Eigen::Index b = 0; b < samples; ++b)
    for (Eigen::Index c = 0; c < channels; ++c)
      for (Eigen::Index p = 0; p < pixels; ++p) out(c * pixels + p, b) = lowered(c, b * pixels + p);
  return out;
}

namespace {

Batch pool(const Layer& l, const Batch& x, bool max) {
  const Geometry g = geometry(l);
  const auto& win = l.window;
  Batch out(static_cast<Eigen::Index>(g.c) * g.oh * g.ow, x.cols());
  for (Eigen::Index b = 0; b < x.cols(); ++b) {
    for (int c = 0; c < g.c; ++c) {
      const float* plane = x.col(b).data() + static_cast<std::size_t>(c) * g.h * g.w;
      for (int oy = 0; oy < g.oh; ++oy) {
        for (int ox = 0; ox < g.ow; ++ox) {
          float acc = max ? -std::numeric_limits<float>::infinity() : 0.0f;
          int n = 0;
          for (int ky = 0; ky < win.kernel_h; ++ky) {
            const int y = oy * win.stride_h - win.pad_top + ky * win.dilation_h;
            for (int kx = 0; kx < win.kernel_w; ++kx) {
              const int xx = ox * win.stride_w - win.pad_left + kx * win.dilation_w;
              if (y < 0 || y >= g.h || xx < 0 || xx >= g.w) {
                // A padded zero counts in the mean; a position past the padding (ceil_mode) does not.
                const bool in_pad = y >= -win.pad_top && y < g.h + win.pad_bottom && xx >= -win.pad_left &&
                                    xx < g.w + win.pad_right;
                if (!max && l.count_include_pad && in_pad) ++n;
                continue;
              }
              const float v = plane[y * g.w + xx];
              acc = max ? std::max(acc, v) : acc + v;
              ++n;
            }
          }
          out((static_cast<Eigen::Index>(c) * g.oh + oy) * g.ow + ox, b) = max ? acc : (n ? acc / n : 0.0f);
        }
      }
    }
  }
  return out;
}

}  // namespace

Batch digital_forward(const Layer& l, const std::vector<const Batch*>& inputs) {
  const Batch& x = *inputs.front();
  switch (l.op) {
    case Op::MaxPool: return pool(l, x, true);
    case Op::AvgPool: return pool(l, x, false);
    case Op::GlobalAvgPool: {
      const Eigen::Index c = l.in_shape[0];
      const Eigen::Index hw = workload::element_count(l.in_shape) / c;
      Batch out(c, x.cols());
      for (Eigen::Index b = 0; b < x.cols(); ++b)
        for (Eigen::Index ch = 0; ch < c; ++ch) out(ch, b) = x.col(b).segment(ch * hw, hw).mean();
      return out;
    }
    case Op::Add: {
      Batch out = x;
      for (std::size_t i = 1; i < inputs.size(); ++i) out += *inputs[i];
      return out;
    }
    case Op::Concat: {
      Eigen::Index rows = 0;
      for (const Batch* in : inputs) rows += in->rows();
      Batch out(rows, x.cols());
      Eigen::Index at = 0;
      for (const Batch* in : inputs) {
        out.middleRows(at, in->rows()) = *in;
        at += in->rows();
      }
      return out;
    }
    case Op::Flatten:
    case Op::Identity: return x;
    case Op::Operator: return l.op_impl->forward(inputs);
    case Op::Dense:
    case Op::Conv: break;
  }
  throw std::logic_error("digital_forward called on a matrix layer");
}

mapping::DigitalWork digital_work(const Layer& l, const std::vector<workload::Shape>& input_shapes) {
  if (l.op == Op::Operator) {
    const models::DigitalOps ops = l.op_impl->cost();
    mapping::DigitalWork w;
    w.adds = ops.adds;
    w.mults = ops.mults;
    w.compares = ops.compares;
    return w;
  }
  mapping::DigitalWork w = digital_work(l.op, static_cast<std::int64_t>(l.window.kernel_h) * l.window.kernel_w,
                                        workload::element_count(input_shapes.front()), workload::element_count(l.out_shape),
                                        static_cast<int>(input_shapes.size()), l.activation.kind);
  if (l.output_quant) {
    // Rounding onto a QDQ grid per element: a multiply by 1/scale, an add that rounds and two
    // compares that clamp to the code range (the consumer takes the codes).
    const std::int64_t out = workload::element_count(l.out_shape);
    w.mults += out;
    w.adds += out;
    w.compares += 2 * out;
  }
  return w;
}

mapping::DigitalWork digital_work(Op op, std::int64_t window, std::int64_t in, std::int64_t out, int operands,
                                  workload::Activation::Kind activation) {
  mapping::DigitalWork w;
  switch (op) {
    case Op::MaxPool: w.compares = out * (window - 1); break;
    case Op::AvgPool:
      w.adds = out * (window - 1);
      w.mults = out;
      break;
    case Op::GlobalAvgPool:
      w.adds = in - out;
      w.mults = out;
      break;
    case Op::Add:
      // Inputs of different scales are summed on a common scale and the sum requantized.
      w.adds = out * static_cast<std::int64_t>(operands - 1);
      w.mults = out;
      break;
    case Op::Identity:
      // Its activation: one compare per element for ReLU, two for a clip.
      if (activation == workload::Activation::Kind::Relu) w.compares = out;
      if (activation == workload::Activation::Kind::Clip) w.compares = 2 * out;
      break;
    default: break;
  }
  return w;
}

}  // namespace cimsim::functional
