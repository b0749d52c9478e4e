// ReLU and Clip (fused into the layer before them when only they read it), Add (a matrix layer's
// bias, a residual sum of equal shapes, or the broadcasting operator), and Concat (along the
// channels, or the operator along any other axis).

#include <limits>

#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

void Importer::activation(const Node& n) {
  const Flow& x = need_flow(n, 0, "input");
  Activation act = Activation::relu();
  if (n.op == "Clip") {
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    if (opset() >= 11) {
      if (present(n, 1)) lo = need_constant(n, 1, "min").values.at(0);
      if (present(n, 2)) hi = need_constant(n, 2, "max").values.at(0);
      for (std::size_t k = 1; k < 3; ++k)
        if (present(n, k) && need_constant(n, k, "bound").size() != 1) fail(n, "min and max must be scalars");
    } else {
      lo = float_attr(n, "min", lo);
      hi = float_attr(n, "max", hi);
    }
    if (lo > hi) fail(n, "min " + std::to_string(lo) + " is above max " + std::to_string(hi));
    const float flo = static_cast<float>(std::max(lo, -3.4e38)), fhi = static_cast<float>(std::min(hi, 3.4e38));
    act = lo == 0.0 && hi >= 3.4e38 ? Activation::relu() : Activation::clip(flo, fhi);
  }
  Layer* p = sole_producer(x, n.inputs[0]);
  if (p && p->op != Op::Operator) {
    p->activation = act;
    set_flow(n.outputs.front(), x);
    return;
  }
  Layer layer;
  layer.op = Op::Identity;
  layer.activation = act;
  const auto quant = x.quant;
  add_layer(std::move(layer), n, {&x}, n.outputs.front(), x.layout);
  // ReLU keeps values on their grid (its zero is a grid point, the zero point's).
  if (act.kind == Activation::Kind::Relu) flow(n.outputs.front())->quant = quant;
}

void Importer::add(const Node& n) {
  if (n.inputs.size() != 2 || !present(n, 0) || !present(n, 1)) fail(n, "expects two inputs");
  // A constant added to a matrix layer's output, the same for every position: its bias.
  for (std::size_t k = 0; k < 2; ++k) {
    const Tensor* c = constant(n.inputs[k]);
    Flow* x = flow(n.inputs[1 - k]);
    if (!c || !x || c->batch_axis >= 0 || c->symbolic()) continue;
    Layer* p = sole_producer(*x, n.inputs[1 - k]);
    if (!p || !p->is_matrix() || p->weight_source >= 0) break;
    const std::int64_t outs = p->out_features();
    // The bias runs along the last axis of a dense output, along axis 1 of a convolution's.
    const std::size_t along = p->op == Op::Conv ? 1 : x->layout.dims.size() - 1;
    const std::size_t lead = x->layout.dims.size() - c->dims.size();
    bool per_output = c->dims.size() <= x->layout.dims.size();
    for (std::size_t d = 0; per_output && d < c->dims.size(); ++d)
      per_output = c->dims[d] == 1 || (d + lead == along && c->dims[d] == outs);
    if (!per_output) break;
    check_finite(n, *c, "the bias");
    for (std::int64_t o = 0; o < outs; ++o)
      p->bias(o) += static_cast<float>(c->values[static_cast<std::size_t>(c->size() == 1 ? 0 : o)]);
    set_flow(n.outputs.front(), *x);
    return;
  }
  const Flow* a = flow(n.inputs[0]);
  const Flow* b = flow(n.inputs[1]);
  if (a && b && !a->pending && !b->pending && a->layout.dims == b->layout.dims && a->layout.axis == b->layout.axis &&
      a->layout.outer == b->layout.outer) {
    // A residual sum of equal shapes.
    Layer layer;
    layer.op = Op::Add;
    add_layer(std::move(layer), n, {a, b}, n.outputs.front(), a->layout);
    return;
  }
  make_operator(n, "Add");
}

void Importer::concat(const Node& n) {
  std::vector<const Flow*> parts;
  bool all_flows = !n.inputs.empty();
  for (std::size_t k = 0; k < n.inputs.size(); ++k) {
    const Flow* f = present(n, k) ? flow(n.inputs[k]) : nullptr;
    all_flows = all_flows && f && !f->pending;
    parts.push_back(f);
  }
  if (all_flows) {
    const Layout& first = parts.front()->layout;
    const auto rank = static_cast<std::int64_t>(first.dims.size());
    std::int64_t axis = int_attr(n, "axis", 0, -rank, rank - 1);
    if (axis < 0) axis += rank;
    bool same = first.axis == 0 && first.outer * first.inner == 1 && axis == 1;
    for (const Flow* f : parts) same = same && f->layout.axis == 0 && f->layout.outer * f->layout.inner == 1;
    if (same) {
      // Along the channels: the first axis of every sample.
      Layout out = first;
      out.dims[1] = 0;
      for (const Flow* f : parts) {
        if (f->layout.dims.size() != first.dims.size()) fail(n, "concatenates tensors of different ranks");
        out.dims[1] += f->layout.dims[1];
      }
      Layer layer;
      layer.op = Op::Concat;
      add_layer(std::move(layer), n, parts, n.outputs.front(), out);
      return;
    }
  }
  make_operator(n, "Concat");
}

}  // namespace cimsim::workload::onnx_import
