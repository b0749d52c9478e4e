// Nodes computed by an operator from the registry (models/operators): the node's inputs handed to
// the operator as constants or activations, its output layout checked against the batch axis, and
// the layer that runs it added to the network.

#include <optional>

#include "models/operators/tensor_index.hpp"

#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

void Importer::make_operator(const Node& n, const std::string& type, int opset,
                             const std::map<std::string, models::Attribute>& extra, int per_sample_shape) {
  for (std::size_t k = 1; k < n.outputs.size(); ++k)
    if (!n.outputs[k].empty() && reader_count(n.outputs[k]) > 0) fail(n, "output " + std::to_string(k) + " is not supported");
  models::OperatorArgs args;
  args.type = type;
  args.opset = opset > 0 ? opset : graph_.opset;
  args.attributes = n.attributes;
  for (const auto& [k, v] : extra) args.attributes[k] = v;
  std::vector<const Flow*> flows;
  for (std::size_t k = 0; k < n.inputs.size(); ++k) {
    models::OperatorInput in;
    if (!present(n, k)) {
      in.kind = models::OperatorInput::Kind::Absent;
    } else if (const Tensor* c = constant(n.inputs[k])) {
      const bool at_batch_one = static_cast<int>(k) == per_sample_shape;
      if (c->symbolic() && !at_batch_one) fail(n, "input '" + n.inputs[k] + "' depends on the batch size");
      in.kind = models::OperatorInput::Kind::Constant;
      in.dims = c->dims;
      in.values = c->values;
      if (at_batch_one)
        for (std::size_t i = 0; i < c->batch_coef.size(); ++i) in.values[i] += static_cast<double>(c->batch_coef[i]);
      in.integral = c->integral();
      in.per_sample = c->batch_axis >= 0;
    } else {
      const Flow& f = need_flow(n, k, "input " + std::to_string(k));
      in.kind = models::OperatorInput::Kind::Activation;
      in.dims = f.layout.dims;
      flows.push_back(&f);
    }
    args.inputs.push_back(std::move(in));
  }
  add_operator(n, type, args, flows, n.outputs.front(), nullptr);
}

void Importer::add_operator(const Node& n, const std::string& type, const models::OperatorArgs& args,
                            const std::vector<const Flow*>& flows, const std::string& out, const Layout* layout) {
  const models::OperatorEntry* entry = models::OperatorRegistry::instance().find(type);
  if (!entry) fail(n, "no operator '" + type + "' is registered");
  if (flows.empty()) fail(n, "has no input computed by the network");
  std::vector<int> axes;
  for (const Flow* f : flows) axes.push_back(f->layout.axis);
  std::shared_ptr<const models::Operator> op;
  int axis = -1;
  try {
    op = entry->make(args);
    axis = op->batch_axis(axes);
  } catch (const models::OperatorError& e) {
    fail_attribute(n, e.attribute(), e.what());
  } catch (const std::invalid_argument& e) {
    fail(n, e.what());
  }
  Layout result;
  if (layout) {
    result = *layout;
    if (models::element_count(result.dims) != models::element_count(op->output_dims()))
      fail(n, "gives " + models::dims_text(op->output_dims()) + ", not " + models::dims_text(result.dims));
  } else {
    const Layout& first = flows.front()->layout;
    result.dims = op->output_dims();
    result.axis = axis;
    result.outer = first.outer;
    result.inner = first.inner;
    for (const Flow* f : flows)
      if (f->layout.outer != first.outer || f->layout.inner != first.inner) axis = -1;
    if (axis < 0 || axis >= static_cast<int>(result.dims.size()) ||
        result.dims[static_cast<std::size_t>(axis)] != first.outer * first.inner)
      fail(n, "would combine elements of different samples (axis " + std::to_string(first.axis) + " of " +
                  models::dims_text(first.dims) + " holds the batch)");
  }
  // Moving elements keeps them on their grid, when every input is on the same one and nothing
  // new (a pad value) comes in.
  std::optional<FixedQuant> quant = flows.front()->quant;
  const auto* move = dynamic_cast<const models::MoveOperator*>(op.get());
  bool keeps_grid = move && quant;
  for (const Flow* f : flows)
    keeps_grid = keeps_grid && f->quant && f->quant->scale == quant->scale && f->quant->zero_point == quant->zero_point;
  for (std::size_t k = 0; keeps_grid && k < args.inputs.size(); ++k)
    keeps_grid = args.inputs[k].kind != models::OperatorInput::Kind::Constant;
  if (keeps_grid)
    for (int w : move->sources()) keeps_grid = keeps_grid && w >= 0;
  Layer layer;
  layer.op = Op::Operator;
  layer.op_impl = std::move(op);
  layer.op_type = type;
  add_layer(std::move(layer), n, flows, out, result);
  if (keeps_grid) flow(out)->quant = quant;
}

}  // namespace cimsim::workload::onnx_import
