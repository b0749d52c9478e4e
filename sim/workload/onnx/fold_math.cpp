#include "sim/workload/onnx/fold_math.hpp"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>

#include "models/operators/tensor_index.hpp"

namespace cimsim::workload::onnx_import::fold_math {

using onnx::TensorProto;

namespace {

[[noreturn]] void raise(const OnError& err, const std::string& what) {
  err(what);
  throw std::logic_error(what);
}

double f32(double v) { return static_cast<double>(static_cast<float>(v)); }

// The range of an integer element type, for saturation.
std::pair<double, double> int_range(int dtype) {
  switch (dtype) {
    case TensorProto::UINT8: return {0, 255};
    case TensorProto::INT8: return {-128, 127};
    case TensorProto::UINT16: return {0, 65535};
    case TensorProto::INT16: return {-32768, 32767};
    case TensorProto::INT32: return {-2147483648.0, 2147483647.0};
    case TensorProto::BOOL: return {0, 1};
    default: return {-9.2e18, 9.2e18};
  }
}

// The batch axis a per-sample operand puts on a result of rank `rank`, −1 when none; operands
// must agree, and ordinary operands must broadcast along it.
int result_batch_axis(const std::vector<const Tensor*>& args, std::size_t rank, const OnError& err) {
  int axis = -1;
  for (const Tensor* t : args) {
    if (!t || t->batch_axis < 0) continue;
    const int a = static_cast<int>(rank - t->dims.size()) + t->batch_axis;
    if (axis >= 0 && a != axis) raise(err, "combines tensors that repeat per sample along different axes");
    axis = a;
  }
  for (const Tensor* t : args) {
    if (!t || t->batch_axis >= 0 || axis < 0) continue;
    const int k = axis - static_cast<int>(rank - t->dims.size());
    if (k >= 0 && t->dims[static_cast<std::size_t>(k)] != 1) raise(err, "mixes a per-sample tensor across the batch");
  }
  return axis;
}

}  // namespace

SymDim multiply(SymDim a, SymDim b, const OnError& err) {
  if (a.symbolic() && b.symbolic()) raise(err, "multiplies the batch size by itself");
  if (b.symbolic()) std::swap(a, b);
  return {a.coef * b.value, a.value * b.value};
}

void cast(Tensor& t, int to) {
  if (dtype_is_integer(to)) {
    const auto [lo, hi] = int_range(to);
    for (double& v : t.values) {
      v = to == TensorProto::BOOL ? (v != 0 ? 1.0 : 0.0) : std::trunc(v);
      v = to != TensorProto::INT64 && to != TensorProto::UINT64 ? std::min(std::max(v, lo), hi) : int64_value(v);
    }
  } else if (to == TensorProto::FLOAT) {
    for (double& v : t.values) v = f32(v);
  }
  if (!dtype_is_integer(to)) t.batch_coef.clear();
  t.dtype = to;
}

Dims squeeze_dims(const Dims& dims, const std::vector<std::int64_t>& axes, bool unsqueeze, const OnError& err) {
  if (unsqueeze) {
    const auto rank = static_cast<std::int64_t>(dims.size() + axes.size());
    std::vector<bool> inserted(static_cast<std::size_t>(rank), false);
    for (std::int64_t a : axes) {
      if (a < -rank || a >= rank) raise(err, "axis " + std::to_string(a) + " is outside the result's rank");
      const std::int64_t k = a < 0 ? a + rank : a;
      if (inserted[static_cast<std::size_t>(k)]) raise(err, "names axis " + std::to_string(k) + " twice");
      inserted[static_cast<std::size_t>(k)] = true;
    }
    Dims out;
    std::size_t next = 0;
    for (std::int64_t k = 0; k < rank; ++k) out.push_back(inserted[static_cast<std::size_t>(k)] ? 1 : dims[next++]);
    return out;
  }
  const auto rank = static_cast<std::int64_t>(dims.size());
  std::vector<bool> removed(dims.size(), axes.empty());
  if (axes.empty())
    for (std::size_t k = 0; k < dims.size(); ++k) removed[k] = dims[k] == 1;
  for (std::int64_t a : axes) {
    if (a < -rank || a >= rank) raise(err, "axis " + std::to_string(a) + " is outside the rank");
    const std::int64_t k = a < 0 ? a + rank : a;
    if (dims[static_cast<std::size_t>(k)] != 1)
      raise(err, "squeezes axis " + std::to_string(k) + " of size " + std::to_string(dims[static_cast<std::size_t>(k)]));
    removed[static_cast<std::size_t>(k)] = true;
  }
  Dims out;
  for (std::size_t k = 0; k < dims.size(); ++k)
    if (!removed[k]) out.push_back(dims[k]);
  return out;
}

Dims reshape_constant(const Dims& dims, const std::vector<SymDim>& target, bool allow_zero, const OnError& err) {
  const std::int64_t total = models::element_count(dims);
  Dims out;
  std::int64_t known = 1;
  int unknown = -1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    if (target[k].symbolic()) raise(err, "reshapes a constant to a shape that depends on the batch size");
    std::int64_t v = target[k].value;
    if (v == 0 && !allow_zero) {
      if (k >= dims.size()) raise(err, "a 0 in the target shape copies a dimension the input lacks");
      v = dims[k];
    }
    if (v == -1) {
      if (unknown >= 0) raise(err, "the target shape has more than one -1");
      unknown = static_cast<int>(k);
    } else if (v < 0) {
      raise(err, "the target shape holds " + std::to_string(v));
    } else {
      known *= v;
    }
    out.push_back(v);
  }
  if (unknown >= 0) {
    if (known == 0 || total % known != 0) raise(err, "the target shape does not divide the input's size");
    out[static_cast<std::size_t>(unknown)] = total / known;
  } else if (known != total) {
    raise(err, "reshapes " + std::to_string(total) + " elements to " + std::to_string(known));
  }
  return out;
}

Tensor expand(const Tensor& t, const std::vector<SymDim>& shape, const OnError& err) {
  Dims target;
  int batch = -1;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (shape[k].symbolic()) {
      if (batch >= 0 || shape[k].value != 0) raise(err, "the shape holds the batch size more than once");
      batch = static_cast<int>(k);
      target.push_back(shape[k].coef);
    } else {
      if (shape[k].value < 0) raise(err, "the shape holds " + std::to_string(shape[k].value));
      target.push_back(shape[k].value);
    }
  }
  models::OperatorArgs args;  // for the broadcasting error only
  Dims out;
  try {
    out = models::broadcast_dims(t.dims, target, args);
  } catch (const models::OperatorError& e) {
    raise(err, e.what());
  }
  if (models::element_count(out) > kMaxTensorElements) raise(err, "the result is too large");
  Tensor r;
  r.dtype = t.dtype;
  r.dims = out;
  for (std::int64_t i : models::broadcast_index(t.dims, out)) r.values.push_back(t.values[static_cast<std::size_t>(i)]);
  if (batch >= 0) {
    r.batch_axis = static_cast<int>(out.size() - target.size()) + batch;
    r.inner = out[static_cast<std::size_t>(r.batch_axis)];
    const int k = r.batch_axis - static_cast<int>(out.size() - t.dims.size());
    if (k >= 0 && t.dims[static_cast<std::size_t>(k)] != 1) raise(err, "broadcasts along the batch a tensor that is not 1 there");
  } else if (t.batch_axis >= 0) {
    r.batch_axis = static_cast<int>(out.size() - t.dims.size()) + t.batch_axis;
  }
  return r;
}

Tensor reduce_prod(const Tensor& t, const std::vector<std::int64_t>& axes, bool keepdims, const OnError& err) {
  const auto rank = static_cast<std::int64_t>(t.dims.size());
  std::vector<bool> reduced(t.dims.size(), axes.empty());
  for (std::int64_t a : axes) {
    if (a < -rank || a >= rank) raise(err, "axis " + std::to_string(a) + " is outside the rank");
    reduced[static_cast<std::size_t>(a < 0 ? a + rank : a)] = true;
  }
  if (t.symbolic()) raise(err, "multiplies sizes that depend on the batch");
  Dims out, kept;
  for (std::size_t k = 0; k < t.dims.size(); ++k) {
    kept.push_back(reduced[k] ? 1 : t.dims[k]);
    if (!reduced[k] || keepdims) out.push_back(kept.back());
  }
  Tensor r;
  r.dtype = t.dtype;
  r.dims = out;
  r.values.assign(static_cast<std::size_t>(models::element_count(kept)), 1.0);
  const Dims kept_strides = models::strides_of(kept);
  models::for_each_position(t.dims, [&](const Dims& pos, std::int64_t i) {
    std::int64_t g = 0;
    for (std::size_t k = 0; k < pos.size(); ++k)
      if (!reduced[k]) g += pos[k] * kept_strides[k];
    r.values[static_cast<std::size_t>(g)] *= t.values[static_cast<std::size_t>(i)];
  });
  return r;
}

namespace {

// The index of the scale (and zero point) of each element along `axis`: (i / stride) % channels,
// the stride worked out once (once per element, with its vector of strides, it was a third of a
// quantized ResNet-50's import).
struct ChannelOf {
  std::int64_t stride = 1, channels = 1;
  ChannelOf(const Tensor& x, int axis, std::size_t scales) : channels(static_cast<std::int64_t>(scales)) {
    if (scales > 1) stride = models::strides_of(x.dims)[static_cast<std::size_t>(axis)];
  }
  std::size_t operator()(std::size_t i) const {
    return channels == 1 ? 0 : static_cast<std::size_t>((static_cast<std::int64_t>(i) / stride) % channels);
  }
};

void check_quant_params(const Tensor& x, const Tensor& scale, const Tensor* zero, int axis, const OnError& err) {
  const std::size_t channels = scale.values.size();
  if (channels == 0) raise(err, "the scale is empty");
  if (channels > 1 && (x.dims.empty() || axis < 0 || axis >= static_cast<int>(x.dims.size()) ||
                       x.dims[static_cast<std::size_t>(axis)] != static_cast<std::int64_t>(channels)))
    raise(err, std::to_string(channels) + " scales do not match axis " + std::to_string(axis) + " of " +
                   models::dims_text(x.dims));
  for (double s : scale.values)
    if (!(s > 0) || !std::isfinite(s)) raise(err, "a scale of " + std::to_string(s) + " (scales must be positive)");
  if (zero && zero->values.size() != channels) raise(err, "the zero point has " + std::to_string(zero->values.size()) +
                                                          " values for " + std::to_string(channels) + " scales");
}

}  // namespace

Tensor quantize(const Tensor& x, const Tensor& scale, const Tensor* zero, int axis, const OnError& err) {
  check_quant_params(x, scale, zero, axis, err);
  Tensor r;
  r.dtype = zero ? zero->dtype : TensorProto::UINT8;
  r.dims = x.dims;
  const auto [lo, hi] = int_range(r.dtype);
  const ChannelOf channel_of(x, axis, scale.values.size());
  r.values.reserve(x.values.size());
  for (std::size_t i = 0; i < x.values.size(); ++i) {
    const std::size_t c = channel_of(i);
    const double z = zero ? zero->values[c] : 0.0;
    // ONNX divides in float32 and rounds half to even.
    const double q = std::nearbyint(f32(f32(x.values[i]) / f32(scale.values[c]))) + z;
    r.values.push_back(std::min(std::max(q, lo), hi));
  }
  return r;
}

Tensor dequantize(const Tensor& x, const Tensor& scale, const Tensor* zero, int axis, const OnError& err) {
  check_quant_params(x, scale, zero, axis, err);
  if (!x.integral()) raise(err, "dequantizes a " + dtype_name(x.dtype) + " tensor (integers expected)");
  Tensor r;
  r.dims = x.dims;
  r.code_scale = scale.values;
  r.code_axis = axis;
  const ChannelOf channel_of(x, axis, scale.values.size());
  // Reserved: grown by doubling, a large layer's two vectors held up to twice their size.
  const auto count = static_cast<std::size_t>(x.size());  // x may be kept as read (Tensor::raw)
  r.codes.reserve(count);
  r.values.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t c = channel_of(i);
    const double code = x.at(i) - (zero ? zero->values[c] : 0.0);
    r.codes.push_back(code);
    r.values.push_back(f32(code * f32(scale.values[c])));
  }
  return r;
}

std::optional<Tensor> elementwise(const std::string& op, const std::vector<const Tensor*>& args, const OnError& err,
                                  bool c_fmod) {
  static const std::map<std::string, int> arity = {
      {"Neg", 1},  {"Sqrt", 1}, {"Floor", 1}, {"Ceil", 1}, {"Abs", 1},   {"Relu", 1},   {"Reciprocal", 1}, {"Not", 1},
      {"Add", 2},  {"Sub", 2},  {"Mul", 2},   {"Div", 2},  {"Mod", 2},  {"Pow", 2},   {"Equal", 2},  {"Less", 2},       {"Greater", 2},
      {"Min", -1}, {"Max", -1}, {"Where", 3}, {"Clip", -1}};
  auto it = arity.find(op);
  if (it == arity.end()) return std::nullopt;
  if (args.empty() || !args[0]) raise(err, "input 0 is missing");
  if (it->second > 0 && static_cast<int>(args.size()) != it->second)
    raise(err, "expects " + std::to_string(it->second) + " inputs, got " + std::to_string(args.size()));
  if (op == "Clip") {
    Tensor r = *args[0];
    r.codes.clear();
    const double lo = args.size() > 1 && args[1] ? args[1]->values.at(0) : -std::numeric_limits<double>::infinity();
    const double hi = args.size() > 2 && args[2] ? args[2]->values.at(0) : std::numeric_limits<double>::infinity();
    for (double& v : r.values) v = std::min(std::max(v, lo), hi);
    if (r.symbolic()) raise(err, "clips a size that depends on the batch");
    return r;
  }
  // Shapes and index maps of every operand onto the broadcast result.
  Dims out = args[0]->dims;
  models::OperatorArgs none;
  for (const Tensor* t : args) {
    if (!t) raise(err, "an input is missing");
    try {
      out = models::broadcast_dims(out, t->dims, none);
    } catch (const models::OperatorError& e) {
      raise(err, e.what());
    }
  }
  std::vector<std::vector<std::int64_t>> index;
  for (const Tensor* t : args) index.push_back(models::broadcast_index(t->dims, out));
  Tensor r;
  r.dims = out;
  r.batch_axis = result_batch_axis(args, out.size(), err);
  const bool compare = op == "Equal" || op == "Less" || op == "Greater" || op == "Not";
  r.dtype = compare ? TensorProto::BOOL : op == "Where" ? args[1]->dtype : args[0]->dtype;
  const bool integer = dtype_is_integer(r.dtype);
  bool symbolic = false;
  for (const Tensor* t : args) symbolic = symbolic || t->symbolic();
  const std::size_t n = static_cast<std::size_t>(models::element_count(out));
  auto sym = [&](std::size_t k, std::size_t i) {
    const Tensor& t = *args[k];
    const std::size_t at = static_cast<std::size_t>(index[k][i]);
    return SymDim{t.batch_coef.empty() ? 0 : t.batch_coef[at], static_cast<std::int64_t>(t.values[at])};
  };
  for (std::size_t i = 0; i < n; ++i) {
    auto v = [&](std::size_t k) { return args[k]->values[static_cast<std::size_t>(index[k][i])]; };
    bool element_symbolic = false;
    for (std::size_t k = 0; k < args.size(); ++k) element_symbolic = element_symbolic || sym(k, i).symbolic();
    if (element_symbolic) {
      SymDim a = sym(0, i), res{};
      const SymDim b = args.size() > 1 ? sym(1, i) : SymDim{};
      if (op == "Where") {
        if (a.symbolic()) raise(err, "selects on a condition that depends on the batch size");
        res = v(0) != 0 ? b : sym(2, i);
      } else if (op == "Add" || op == "Sub") {
        res = op == "Add" ? SymDim{a.coef + b.coef, a.value + b.value} : SymDim{a.coef - b.coef, a.value - b.value};
      } else if (op == "Mul") {
        res = multiply(a, b, err);
      } else if (op == "Div") {
        if (b.symbolic() || b.value == 0 || a.coef % b.value != 0 || a.value % b.value != 0)
          raise(err, "divides a size that depends on the batch by something that does not divide it");
        res = {a.coef / b.value, a.value / b.value};
      } else if (op == "Equal" && (a.symbolic() != b.symbolic())) {
        // k·N + v with k > 0 equals no value below k + v, whatever N ≥ 1 (a -1 placeholder).
        const SymDim s = a.symbolic() ? a : b, c = a.symbolic() ? b : a;
        if (s.coef <= 0 || c.value >= s.coef + s.value) raise(err, "compares a size that depends on the batch");
        res = {0, 0};
      } else {
        raise(err, "computes " + op + " on a size that depends on the batch, which cannot be folded");
      }
      r.values.push_back(static_cast<double>(res.value));
      r.batch_coef.push_back(res.coef);
      continue;
    }
    if (symbolic) r.batch_coef.push_back(0);
    double y = 0;
    const double a = v(0);
    if (op == "Neg") y = -a;
    else if (op == "Sqrt") y = std::sqrt(a);
    else if (op == "Floor") y = std::floor(a);
    else if (op == "Ceil") y = std::ceil(a);
    else if (op == "Abs") y = std::fabs(a);
    else if (op == "Relu") y = std::max(a, 0.0);
    else if (op == "Reciprocal") y = 1.0 / a;
    else if (op == "Not") y = a == 0 ? 1 : 0;
    else if (op == "Add") y = a + v(1);
    else if (op == "Sub") y = a - v(1);
    else if (op == "Mul") y = a * v(1);
    else if (op == "Div") {
      if (integer && v(1) == 0) raise(err, "divides an integer by zero");
      y = integer ? std::trunc(a / v(1)) : a / v(1);
    } else if (op == "Mod") {
      if (!integer && !c_fmod) raise(err, "fmod must be 1 for floating-point inputs");
      if (integer && v(1) == 0) raise(err, "takes an integer modulo zero");
      y = std::fmod(a, v(1));
      if (!c_fmod && y != 0 && (y < 0) != (v(1) < 0)) y += v(1);
    } else if (op == "Pow") y = std::pow(a, v(1));
    else if (op == "Equal") y = a == v(1);
    else if (op == "Less") y = a < v(1);
    else if (op == "Greater") y = a > v(1);
    else if (op == "Where") y = a != 0 ? v(1) : v(2);
    else {  // Min, Max over any number of inputs
      y = a;
      for (std::size_t k = 1; k < args.size(); ++k) y = op == "Min" ? std::min(y, v(k)) : std::max(y, v(k));
    }
    if (r.dtype == TensorProto::FLOAT) y = f32(y);
    if (std::isnan(y)) raise(err, "folds to NaN");
    if (r.dtype == TensorProto::INT64 || r.dtype == TensorProto::UINT64) y = int64_value(y);
    r.values.push_back(y);
  }
  if (!symbolic) r.batch_coef.clear();
  return r;
}

}  // namespace cimsim::workload::onnx_import::fold_math
