#include "sim/workload/network.hpp"

#include "sim/workload/conv_lowering.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "sim/util/rng.hpp"
#include "sim/workload/file_weights.hpp"

namespace cimsim::workload {

// A shape is an operator's Dims: one rule for both.
std::int64_t element_count(const Shape& s) { return models::element_count(s); }

std::string shape_text(const Shape& s) { return models::dims_text(s); }

const char* op_name(Op op) {
  switch (op) {
    case Op::Dense: return "dense";
    case Op::Conv: return "conv";
    case Op::MaxPool: return "maxpool";
    case Op::AvgPool: return "avgpool";
    case Op::GlobalAvgPool: return "global_avgpool";
    case Op::Add: return "add";
    case Op::Concat: return "concat";
    case Op::Flatten: return "flatten";
    case Op::Identity: return "identity";
    case Op::Operator: return "operator";
  }
  return "?";
}

Op op_named(const std::string& name) {
  for (Op op : {Op::Dense, Op::Conv, Op::MaxPool, Op::AvgPool, Op::GlobalAvgPool, Op::Add, Op::Concat, Op::Flatten,
                Op::Identity})
    if (name == op_name(op)) return op;
  throw std::invalid_argument("unknown op '" + name + "'");
}

std::string Activation::text() const {
  switch (kind) {
    case Kind::None: return "none";
    case Kind::Relu: return "relu";
    case Kind::Clip: return "clip";
  }
  return "?";
}

namespace {

// A window that does not fit its padded input gives no output (0), not a truncated division.
int windows(int in, int before, int after, int kernel, int stride, int dilation, bool ceil_mode) {
  const std::int64_t span = std::int64_t{in} + before + after - std::int64_t{dilation} * (kernel - 1) - 1;
  if (span < 0 || stride <= 0) return 0;
  std::int64_t out = (ceil_mode ? span + stride - 1 : span) / stride + 1;
  // The last window must start inside the input or its leading pad.
  if (ceil_mode && (out - 1) * stride >= std::int64_t{in} + before) --out;
  return static_cast<int>(out);
}

}  // namespace

int Window::out_h(int in_h) const {
  return windows(in_h, pad_top, pad_bottom, kernel_h, stride_h, dilation_h, ceil_mode);
}

int Window::out_w(int in_w) const {
  return windows(in_w, pad_left, pad_right, kernel_w, stride_w, dilation_w, ceil_mode);
}

Spatial spatial_of(const Shape& s) {
  if (s.size() == 3) return {s[0], s[1], s[2]};
  if (s.size() == 2) return {s[0], 1, s[1]};
  throw std::invalid_argument("needs a (channels, height, width) or (channels, length) input, got " + shape_text(s));
}

std::int32_t FixedQuant::code(float x) const {
  // ONNX QuantizeLinear rounds half to even; nearbyint does under the default rounding mode.
  const double q = std::nearbyint(static_cast<double>(x) / scale) + zero_point;
  return static_cast<std::int32_t>(std::min<double>(std::max<double>(q, q_min), q_max));
}

float FixedQuant::apply(float x) const { return static_cast<float>((code(x) - zero_point) * scale); }

int FixedQuant::bits() const {
  int b = 0;
  while ((std::int64_t{1} << b) < static_cast<std::int64_t>(q_max) - q_min + 1) ++b;
  return b;
}

std::int64_t Layer::in_features() const { return file_weights ? file_weights->cols() : weight.cols(); }
std::int64_t Layer::out_features() const { return file_weights ? file_weights->rows() : weight.rows(); }

const Eigen::MatrixXf& weights_of(const Layer& layer, Eigen::MatrixXf& scratch) {
  if (!layer.file_weights) return layer.weight;
  scratch = layer.file_weights->matrix();
  return scratch;
}

void take_weights_from_file(Layer& layer) {
  if (!layer.file_weights) return;
  layer.weight = layer.file_weights->matrix();
  layer.file_weights.reset();
}

std::int64_t Layer::vectors_per_sample() const {
  if (op == Op::Conv && (out_shape.size() == 3 || out_shape.size() == 2)) return element_count(out_shape) / out_shape[0];
  if (op == Op::Dense && per_position && out_features() > 0) return element_count(out_shape) / out_features();
  return 1;
}

std::int64_t Layer::macs_per_sample() const {
  if (op == Op::Conv && !in_shape.empty()) {
    // Real multiply-accumulates: a group sees only its own input channels.
    const std::int64_t per_output = in_shape[0] / groups * window.kernel_h * window.kernel_w;
    return out_features() * per_output * vectors_per_sample();
  }
  if (op == Op::Dense) return in_features() * out_features() * vectors_per_sample();
  return 0;
}

std::string Layer::type_name() const {
  if (op != Op::Operator) return op_name(op);
  std::string t;
  for (char ch : op_type) t += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return t;
}

std::int64_t Network::macs_per_sample() const {
  std::int64_t n = 0;
  for (const auto& l : layers) n += l.macs_per_sample();
  return n;
}

std::vector<int> Network::matrix_layers() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (layers[i].is_matrix()) out.push_back(static_cast<int>(i));
  return out;
}

Eigen::MatrixXf conv_weight_matrix(const std::vector<double>& w, int out, int in, int kh, int kw, int groups) {
  return lower_conv_weights<float>([&](std::int64_t k) { return w[static_cast<std::size_t>(k)]; }, out, in, kh, kw,
                                   groups);
}

void fold_batchnorm(Layer& layer, const Eigen::VectorXd& gamma, const Eigen::VectorXd& beta,
                    const Eigen::VectorXd& mean, const Eigen::VectorXd& var, double eps) {
  take_weights_from_file(layer);
  for (Eigen::Index o = 0; o < layer.weight.rows(); ++o) {
    const double k = gamma(o) / std::sqrt(var(o) + eps);
    layer.weight.row(o) *= static_cast<float>(k);
    layer.bias(o) = static_cast<float>((layer.bias(o) - mean(o)) * k + beta(o));
  }
}

void init_random_weights(Layer& layer, std::int64_t fan_in, std::uint64_t seed) {
  const double std_dev = std::sqrt(2.0 / static_cast<double>(std::max<std::int64_t>(1, fan_in)));
  // Draw k of the stream goes to row k / cols, column k % cols. Drawn a block of rows at a time
  // and written column by column: the matrix is column-major, and writing it a row at a time
  // touched a cache line per element (and, for wide layers, a page).
  const rng::Stream stream(seed, rng::Purpose::Weights, {});
  const Eigen::Index rows = layer.weight.rows(), cols = layer.weight.cols();
  constexpr Eigen::Index kRows = 64;
  std::vector<float> z(static_cast<std::size_t>(std::min(rows, kRows) * cols));
  for (Eigen::Index r0 = 0; r0 < rows; r0 += kRows) {
    const Eigen::Index n = std::min(kRows, rows - r0);
    stream.normals_fast(static_cast<std::uint64_t>(r0 * cols), static_cast<std::size_t>(n * cols), z.data());
    for (Eigen::Index i = 0; i < cols; ++i)
      for (Eigen::Index o = 0; o < n; ++o) {
        float& w = layer.weight(r0 + o, i);
        if (layer.op != Op::Conv || w != 0.0f)  // keep a grouped layout's zeros
          w = static_cast<float>(std_dev * z[static_cast<std::size_t>(o * cols + i)]);
      }
  }
  layer.bias = Eigen::VectorXf::Zero(layer.weight.rows());
}

namespace {

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument(why); }

// Output of a sliding window over (C, H, W) or (C, L), with `channels` output channels.
Shape spatial(const Layer& l, const Shape& in, std::int64_t channels) {
  const Spatial sp = spatial_of(in);
  if (in.size() == 2 && (l.window.kernel_h != 1 || l.window.stride_h != 1 || l.window.pad_top || l.window.pad_bottom))
    bad("a 1-D input " + shape_text(in) + " needs a 1-D window");
  const int oh = l.window.out_h(static_cast<int>(sp.h));
  const int ow = l.window.out_w(static_cast<int>(sp.w));
  if (oh <= 0 || ow <= 0) bad("window larger than its padded input " + shape_text(in));
  if (in.size() == 2) return {channels, ow};
  return {channels, oh, ow};
}

}  // namespace

Shape infer_shape(const Layer& l, const std::vector<Shape>& inputs) {
  if (inputs.empty()) bad("has no input");
  const Shape& in = inputs.front();
  switch (l.op) {
    case Op::Dense:
      if (l.per_position) {
        if (in.empty() || in.back() != l.in_features())
          bad("weights take " + std::to_string(l.in_features()) + " inputs per position but the input is " +
              shape_text(in));
        Shape out = in;
        out.back() = l.out_features();
        return out;
      }
      if (element_count(in) != l.in_features())
        bad("weights take " + std::to_string(l.in_features()) + " inputs but the input " + shape_text(in) + " has " +
            std::to_string(element_count(in)));
      return {l.out_features()};
    case Op::Conv: {
      const Spatial sp = spatial_of(in);
      const std::int64_t k = l.window.kernel_h * l.window.kernel_w;
      if (l.groups <= 0 || sp.c % l.groups != 0 || l.out_features() % l.groups != 0)
        bad(std::to_string(l.groups) + " groups do not divide " + std::to_string(sp.c) + " input and " +
            std::to_string(l.out_features()) + " output channels");
      if (l.in_features() != sp.c * k)
        bad("weights expect " + std::to_string(l.in_features() / k) + " input channels, the input has " +
            std::to_string(sp.c));
      return spatial(l, in, l.out_features());
    }
    case Op::MaxPool:
    case Op::AvgPool: return spatial(l, in, spatial_of(in).c);
    case Op::GlobalAvgPool: {
      const Spatial sp = spatial_of(in);
      Shape out(in.size(), 1);
      out[0] = sp.c;
      return out;
    }
    case Op::Add:
      for (const auto& s : inputs)
        if (s != in) bad("adds tensors of different shapes " + shape_text(in) + " and " + shape_text(s));
      return in;
    case Op::Concat: {
      // Along the first axis (channels), for tensors of any rank.
      Shape out = in;
      if (out.empty()) bad("cannot concatenate scalars");
      for (std::size_t i = 1; i < inputs.size(); ++i) {
        const Shape& s = inputs[i];
        if (s.size() != in.size() || !std::equal(s.begin() + 1, s.end(), in.begin() + 1))
          bad("concatenates tensors of different sizes " + shape_text(in) + " and " + shape_text(s));
        out[0] += s[0];
      }
      return out;
    }
    case Op::Flatten:
      if (l.reshape_to.empty()) return {element_count(in)};
      if (element_count(l.reshape_to) != element_count(in))
        bad("reshapes " + shape_text(in) + " to " + shape_text(l.reshape_to) + ", a different number of elements");
      return l.reshape_to;
    case Op::Identity: return in;
    case Op::Operator: {
      if (!l.op_impl) bad("has no operator");
      if (element_count(l.out_shape) != models::element_count(l.op_impl->output_dims()))
        bad("the operator gives " + models::dims_text(l.op_impl->output_dims()) + ", not " + shape_text(l.out_shape));
      return l.out_shape;
    }
  }
  bad("unknown op");
}

}  // namespace cimsim::workload
