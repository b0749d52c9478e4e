// Constant folding: nodes whose inputs are all known when the network loads are computed then,
// so that a dynamic-batch export's shape arithmetic (Shape → Gather → Unsqueeze → Concat →
// Reshape), weight transposes, casts and quantized weights leave no layer behind. Shapes of
// computed tensors are symbolic in the batch size N (SymDim), so a target shape such as
// [N, -1] keeps saying where the batch goes.

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/operators/tensor_index.hpp"
#include "sim/workload/onnx/fold_math.hpp"
#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

using onnx::TensorProto;

const std::set<std::string>& Importer::foldable_ops() {
  static const std::set<std::string> ops = {
      "Constant", "Identity", "Dropout", "Cast",   "Shape",           "Size",         "Gather",    "Unsqueeze",
      "Squeeze",  "Concat",   "Slice",   "Reshape", "Flatten",        "Transpose",    "Add",       "Sub",
      "Mul",      "Div",      "Neg",     "Sqrt",    "Pow",            "Equal",        "Where",     "ConstantOfShape",
      "Expand",   "Range",    "Clip",    "Floor",   "Ceil",           "Min",          "Max",       "Abs",
      "Relu",     "Reciprocal", "ReduceProd", "QuantizeLinear", "DequantizeLinear", "Not", "Less", "Greater",
      "Mod",      "ScatterND"};
  return ops;
}

namespace {

Tensor ints_tensor(const std::vector<SymDim>& v, int dtype = TensorProto::INT64) {
  Tensor t;
  t.dtype = dtype;
  t.dims = {static_cast<std::int64_t>(v.size())};
  for (const auto& d : v) {
    t.values.push_back(static_cast<double>(d.value));
    t.batch_coef.push_back(d.coef);
  }
  return t;
}


}  // namespace

Tensor Importer::fold_move(const Node& n, const std::vector<std::size_t>& data) {
  const auto is_data = [&](std::size_t k) { return std::find(data.begin(), data.end(), k) != data.end(); };
  models::OperatorArgs args;
  args.type = n.op;
  args.opset = opset();
  args.attributes = n.attributes;
  for (std::size_t k = 0; k < n.inputs.size(); ++k) {
    models::OperatorInput in;
    if (present(n, k)) {
      const Tensor& t = need_constant(n, k, "input");
      in.kind = is_data(k) ? models::OperatorInput::Kind::Activation : models::OperatorInput::Kind::Constant;
      if (in.kind == models::OperatorInput::Kind::Constant && t.symbolic())
        fail(n, "input " + std::to_string(k) + " depends on the batch size");
      in.dims = t.dims;
      if (in.kind == models::OperatorInput::Kind::Constant) in.values = t.values;
    }
    args.inputs.push_back(std::move(in));
  }
  std::unique_ptr<models::Operator> op;
  try {
    op = models::OperatorRegistry::instance().find(n.op)->make(args);
  } catch (const models::OperatorError& e) {
    fail_attribute(n, e.attribute(), e.what());
  }
  const auto* move = dynamic_cast<const models::MoveOperator*>(op.get());
  if (!move) fail(n, "is not a data movement");
  const Tensor& first = need_constant(n, data.front(), "data");
  Tensor out;
  out.dtype = first.dtype;
  out.dims = op->output_dims();
  // A tensor with one copy per sample stays one, if the movement keeps its batch axis whole.
  std::vector<int> axes;
  for (std::size_t k : data) axes.push_back(need_constant(n, k, "data").batch_axis);
  const bool per_sample = std::any_of(axes.begin(), axes.end(), [](int a) { return a >= 0; });
  if (per_sample) {
    out.batch_axis = std::find(axes.begin(), axes.end(), -1) == axes.end() ? op->batch_axis(axes) : -1;
    if (out.batch_axis < 0) fail(n, "moves a tensor that repeats per sample across the batch");
    out.outer = first.outer;
    out.inner = first.inner;
  }
  bool coef = false, codes = false;
  for (std::size_t k : data) {
    coef = coef || !need_constant(n, k, "data").batch_coef.empty();
    codes = codes || !need_constant(n, k, "data").codes.empty();
  }
  if (codes && data.size() > 1) fail(n, "joins quantized weights, which is not supported");
  for (std::size_t i = 0; i < move->indices().size(); ++i) {
    const Tensor& src = need_constant(n, static_cast<std::size_t>(move->sources()[i]), "data");
    const auto at = static_cast<std::size_t>(move->indices()[i]);
    out.values.push_back(src.values[at]);
    if (coef) out.batch_coef.push_back(src.batch_coef.empty() ? 0 : src.batch_coef[at]);
    if (codes) out.codes.push_back(src.codes[at]);
  }
  if (codes) {
    out.code_scale = first.code_scale;
    out.code_axis = first.code_axis;
    if (first.code_scale.size() > 1) {
      if (n.op != "Transpose") fail(n, "rearranges per-channel quantized weights, which is not supported");
      std::vector<std::int64_t> perm = ints_attr(n, "perm", INT64_MIN / 2, INT64_MAX / 2);
      if (perm.empty())
        for (std::size_t k = first.dims.size(); k-- > 0;) perm.push_back(static_cast<std::int64_t>(k));
      for (std::size_t k = 0; k < perm.size(); ++k)
        if (perm[k] == first.code_axis) out.code_axis = static_cast<int>(k);
    }
  }
  return out;
}

bool Importer::fold(const Node& n) {
  const std::string& op = n.op;
  auto in = [&](std::size_t k, const char* what) -> const Tensor& { return need_constant(n, k, what); };
  auto ints = [&](const Tensor& t, const char* what) {
    if (t.symbolic()) fail(n, std::string(what) + " depends on the batch size, which cimsim cannot fold here");
    std::vector<std::int64_t> v;
    for (double x : t.values) v.push_back(models::saturated_int(x));
    return v;
  };
  auto per_sample_refused = [&](const Tensor& t) {
    if (t.batch_axis >= 0) fail(n, "cannot fold a tensor that repeats per sample through " + op);
  };
  const std::string out = n.outputs.front();
  Tensor result;

  if (op == "Constant") {
    auto it = n.attributes.end();
    if (n.value) {
      result = std::move(*n.value);  // read with the graph (graph.hpp); folded once
    } else if ((it = n.attributes.find("value_float")) != n.attributes.end()) {
      result.values = {it->second.f};
    } else if ((it = n.attributes.find("value_int")) != n.attributes.end()) {
      result.dtype = TensorProto::INT64;
      result.values = {static_cast<double>(it->second.i)};
    } else if ((it = n.attributes.find("value_ints")) != n.attributes.end()) {
      result.dtype = TensorProto::INT64;
      result.dims = {static_cast<std::int64_t>(it->second.ints.size())};
      for (auto v : it->second.ints) result.values.push_back(static_cast<double>(v));
    } else if ((it = n.attributes.find("value_floats")) != n.attributes.end()) {
      result.dims = {static_cast<std::int64_t>(it->second.floats.size())};
      result.values = it->second.floats;
    } else {
      fail(n, "has no tensor, float or integer value (sparse and string constants are not supported)");
    }
  } else if (op == "Identity" || op == "Dropout") {
    result = in(0, "input");
  } else if (op == "Shape" || op == "Size") {
    std::vector<SymDim> dims;
    if (const Flow* f = present(n, 0) ? flow(n.inputs[0]) : nullptr) dims = f->layout.symbolic_dims();
    else
      for (auto d : in(0, "data").dims) dims.push_back({0, d});
    if (op == "Size") {
      SymDim total{0, 1};
      for (const auto& d : dims) total = fold_math::multiply(total, d, [&](const std::string& w) { fail(n, w); });
      result = ints_tensor({total});
      result.dims.clear();
    } else {
      const auto rank = static_cast<std::int64_t>(dims.size());
      auto clampi = [&](std::int64_t v) { return std::clamp<std::int64_t>(v < 0 ? v + rank : v, 0, rank); };
      const std::int64_t start = clampi(int_attr(n, "start", 0, INT64_MIN / 2, INT64_MAX / 2));
      const std::int64_t end = clampi(int_attr(n, "end", rank, INT64_MIN / 2, INT64_MAX / 2));
      result = ints_tensor(std::vector<SymDim>(dims.begin() + start, dims.begin() + std::max(start, end)));
    }
  } else if (op == "Cast") {
    result = in(0, "input");
    const int to = static_cast<int>(int_attr(n, "to", TensorProto::FLOAT, 1, 16));
    fold_math::cast(result, to);
  } else if (op == "Gather" || op == "Slice" || op == "Transpose") {
    result = fold_move(n, {0});
  } else if (op == "Concat") {
    std::vector<std::size_t> all(n.inputs.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    result = fold_move(n, all);
  } else if (op == "ScatterND") {
    result = fold_move(n, {0, 2});
  } else if (op == "Unsqueeze" || op == "Squeeze") {
    result = in(0, "data");
    per_sample_refused(result);
    std::vector<std::int64_t> axes = opset() >= 13 ? (present(n, 1) ? ints(in(1, "axes"), "axes") : std::vector<std::int64_t>{})
                                                   : ints_attr(n, "axes", INT64_MIN / 2, INT64_MAX / 2);
    result.dims = fold_math::squeeze_dims(result.dims, axes, op == "Unsqueeze", [&](const std::string& w) { fail(n, w); });
  } else if (op == "Flatten" || op == "Reshape" || op == "Expand" || op == "ReduceProd") {
    const Tensor& data = in(0, "data");
    per_sample_refused(data);
    auto on_error = [&](const std::string& w) { fail(n, w); };
    if (op == "Flatten" || op == "Reshape") {
      result = data;
      std::vector<SymDim> target;
      if (op == "Flatten") {
        const auto rank = static_cast<std::int64_t>(data.dims.size());
        std::int64_t axis = int_attr(n, "axis", 1, -rank, rank);
        if (axis < 0) axis += rank;
        std::int64_t a = 1, b = 1;
        for (std::int64_t k = 0; k < rank; ++k) (k < axis ? a : b) *= data.dims[static_cast<std::size_t>(k)];
        result.dims = {a, b};
      } else {
        target = symbolic_values(in(1, "shape"));
        result.dims = fold_math::reshape_constant(data.dims, target, int_attr(n, "allowzero", 0, 0, 1) != 0, on_error);
      }
      if (!data.codes.empty() && data.code_scale.size() > 1 && result.dims.size() > 0 &&
          (static_cast<std::size_t>(data.code_axis) >= result.dims.size() ||
           result.dims[static_cast<std::size_t>(data.code_axis)] != data.dims[static_cast<std::size_t>(data.code_axis)]))
        fail(n, "reshapes per-channel quantized weights across their channel axis");
    } else if (op == "Expand") {
      result = fold_math::expand(data, symbolic_values(in(1, "shape")), on_error);
    } else {
      result = fold_math::reduce_prod(data, ints_attr(n, "axes", INT64_MIN / 2, INT64_MAX / 2),
                                      int_attr(n, "keepdims", 1, 0, 1) != 0, on_error);
    }
  } else if (op == "ConstantOfShape") {
    Tensor value;
    value.values = {0.0};
    auto it = n.attributes.find("value");
    if (it != n.attributes.end()) {
      if (it->second.kind != models::Attribute::Kind::Tensor || it->second.floats.size() != 1)
        fail_attribute(n, "value", "must be a tensor of one element");
      value.values = it->second.floats;
      value.dtype = it->second.tensor_type;
    }
    result = fold_math::expand(value, symbolic_values(in(0, "shape")), [&](const std::string& w) { fail(n, w); });
  } else if (op == "Range") {
    for (std::size_t k = 0; k < 3; ++k)
      if (in(k, "bound").symbolic() || in(k, "bound").size() != 1) fail(n, "start, limit and delta must be plain scalars");
    const double start = in(0, "start").values[0], limit = in(1, "limit").values[0], delta = in(2, "delta").values[0];
    if (delta == 0) fail(n, "delta is 0");
    const double count = std::max(0.0, std::ceil((limit - start) / delta));
    if (count > static_cast<double>(kMaxTensorElements)) fail(n, "the range has too many elements");
    result.dtype = in(0, "start").dtype;
    result.dims = {static_cast<std::int64_t>(count)};
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(count); ++i) result.values.push_back(start + static_cast<double>(i) * delta);
  } else if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    // Integer codes are dequantized from the bytes they were read as (no NaN to find in them): as
    // doubles first, a large layer's codes took a third of the fold's memory.
    const Tensor& stored = need_weight_constant(n, 0, "x");
    const Tensor& x = op == "DequantizeLinear" && stored.integral() ? stored : in(0, "x");
    per_sample_refused(x);
    const Tensor& scale = in(1, "scale");
    check_finite(n, scale, "the scale");
    const Tensor* zero = present(n, 2) ? &in(2, "zero point") : nullptr;
    const auto rank = static_cast<std::int64_t>(x.dims.size());
    std::int64_t axis = int_attr(n, "axis", 1, -std::max<std::int64_t>(rank, 1), std::max<std::int64_t>(rank - 1, 0));
    if (axis < 0) axis += rank;
    auto on_error = [&](const std::string& w) { fail(n, w); };
    result = op == "QuantizeLinear" ? fold_math::quantize(x, scale, zero, static_cast<int>(axis), on_error)
                                    : fold_math::dequantize(x, scale, zero, static_cast<int>(axis), on_error);
  } else {
    // Element-wise arithmetic, comparisons and selections.
    std::vector<const Tensor*> args;
    for (std::size_t k = 0; k < n.inputs.size(); ++k)
      args.push_back(present(n, k) ? &in(k, "input") : nullptr);
    const bool c_fmod = op == "Mod" && int_attr(n, "fmod", 0, 0, 1) == 1;
    std::optional<Tensor> r = fold_math::elementwise(op, args, [&](const std::string& w) { fail(n, w); }, c_fmod);
    if (!r) return false;
    result = std::move(*r);
  }
  if (models::element_count(result.dims) != result.size()) fail(n, "folds to an inconsistent tensor");
  set_constant(out, std::move(result));
  return true;
}

}  // namespace cimsim::workload::onnx_import
