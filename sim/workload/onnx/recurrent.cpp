// LSTM and GRU, unrolled over their time steps onto layers the chip already runs:
//   - the input projection W·x(t) + b of every step is one dense layer applied per position of
//     the sequence (T input vectors per sample through the same arrays);
//   - each step t > 0 has a dense layer R·h(t−1) whose weights are step 1's: it reads the same
//     arrays again (Layer::weight_source), with input vectors numbered per step so that every
//     read draws its own noise;
//   - each step's gates, state update and output are a digital operator (cimsim.LstmCell,
//     cimsim.GruCell); an LSTM's h is then sliced out of its state (h, c).
// The first step needs no recurrent product: ONNX's initial state is zero (a non-zero initial
// state is refused). Outputs Y, Y_h and Y_c are built only when something reads them.

#include <onnx/onnx_pb.h>

#include "sim/workload/onnx/importer.hpp"

namespace cimsim::workload::onnx_import {

namespace {

models::Attribute int_attribute(std::int64_t v) {
  models::Attribute a;
  a.kind = models::Attribute::Kind::Int;
  a.i = v;
  return a;
}

// Rows [first, first + count) of direction d of a [dirs, rows, cols] weight tensor.
Tensor rows_of(const Tensor& t, std::int64_t d, std::int64_t first, std::int64_t count) {
  const std::int64_t rows = t.dims[1], cols = t.dims.size() > 2 ? t.dims[2] : 1;
  Tensor out;
  out.dims = t.dims.size() > 2 ? Dims{count, cols} : Dims{count};
  const auto begin = t.values.begin() + (d * rows + first) * cols;
  out.values.assign(begin, begin + count * cols);
  return out;
}

}  // namespace

void Importer::recurrent(const Node& n) {
  const bool lstm = n.op == "LSTM";
  const std::int64_t gates = lstm ? 4 : 3;
  const Flow& x = need_flow(n, 0, "X");
  const std::int64_t h = int_attr(n, "hidden_size", 0, 1, 1 << 20);
  if (!has_attr(n, "hidden_size")) fail_attribute(n, "hidden_size", "is required");
  const std::string direction = string_attr(n, "direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    fail_attribute(n, "direction", "'" + direction + "' is not forward, reverse or bidirectional");
  const std::int64_t dirs = direction == "bidirectional" ? 2 : 1;
  const bool batch_major = int_attr(n, "layout", 0, 0, 1) != 0;
  if (has_attr(n, "clip")) fail_attribute(n, "clip", "cell clipping is not supported");
  if (int_attr(n, "input_forget", 0, 0, 1) != 0) fail_attribute(n, "input_forget", "coupled input and forget gates are not supported");
  if (!lstm && int_attr(n, "linear_before_reset", 0, 0, 1) != 1)
    fail_attribute(n, "linear_before_reset", "only 1 (PyTorch's GRU) is supported");
  for (const char* a : {"activations", "activation_alpha", "activation_beta"})
    if (has_attr(n, a)) fail_attribute(n, a, "only the default activations (sigmoid and tanh) are supported");
  // X: [T, batch, I] (layout 0) or [batch, T, I] (layout 1); one sample is [T, I].
  const Layout& in = x.layout;
  if (in.dims.size() != 3 || in.axis != (batch_major ? 0 : 1) || in.outer * in.inner != 1)
    fail(n, "X must be " + std::string(batch_major ? "[batch, steps, inputs]" : "[steps, batch, inputs]") + ", got " +
                models::dims_text(in.dims) + " with the batch on axis " + std::to_string(in.axis));
  const std::int64_t steps = in.dims[batch_major ? 1 : 0], inputs = in.dims[2];
  const Tensor& w = need_constant(n, 1, "W");
  const Tensor& r = need_constant(n, 2, "R");
  check_finite(n, w, "W");
  check_finite(n, r, "R");
  if (w.dims != Dims{dirs, gates * h, inputs}) fail(n, "W is " + models::dims_text(w.dims) + ", expected " + models::dims_text({dirs, gates * h, inputs}));
  if (r.dims != Dims{dirs, gates * h, h}) fail(n, "R is " + models::dims_text(r.dims) + ", expected " + models::dims_text({dirs, gates * h, h}));
  Tensor b;
  b.dims = {dirs, 2 * gates * h};
  b.values.assign(static_cast<std::size_t>(dirs * 2 * gates * h), 0.0);
  if (present(n, 3)) {
    b = need_constant(n, 3, "B");
    check_finite(n, b, "B");
    if (b.dims != Dims{dirs, 2 * gates * h}) fail(n, "B is " + models::dims_text(b.dims) + ", expected " + models::dims_text({dirs, 2 * gates * h}));
  }
  if (present(n, 4)) {
    const Tensor& lens = need_constant(n, 4, "sequence_lens");
    for (double v : lens.values)
      if (v != static_cast<double>(steps)) fail(n, "sequences shorter than the input (sequence_lens) are not supported");
  }
  for (std::size_t k : lstm ? std::vector<std::size_t>{5, 6, 7} : std::vector<std::size_t>{5}) {
    if (!present(n, k)) continue;
    const Tensor& t = need_constant(n, k, k == 7 ? "P" : "initial state");
    for (double v : t.values)
      if (v != 0) fail(n, k == 7 ? "peephole weights are not supported" : "a non-zero initial state is not supported");
  }

  std::vector<std::vector<std::string>> h_names(static_cast<std::size_t>(dirs));  // per direction, by time
  std::vector<std::string> last_h, last_state;
  for (std::int64_t d = 0; d < dirs; ++d) {
    const bool reverse = direction == "reverse" || d == 1;
    const std::string base = n.name + (dirs > 1 ? (d == 0 ? ".forward" : ".reverse") : "");
    // Input projection, with both biases for an LSTM (they add) and W's only for a GRU (its
    // recurrent bias sits inside the reset gate's product).
    Tensor wd = rows_of(w, d, 0, gates * h);
    Tensor bias = rows_of(b, d, 0, gates * h);
    const Tensor rb = rows_of(b, d, gates * h, gates * h);
    if (lstm)
      for (std::size_t k = 0; k < bias.values.size(); ++k) bias.values[k] += rb.values[k];
    const std::string pre = base + "#pre";
    const int w_layer = dense(n, x, wd, false, 1.0, &bias, 1.0, pre);
    layer(w_layer).name = base + ".W";
    const Tensor rd = rows_of(r, d, 0, gates * h);
    const std::string rb_name = base + "#rb";
    set_constant(rb_name, rb);
    h_names[static_cast<std::size_t>(d)].resize(static_cast<std::size_t>(steps));
    int first_r = -1;
    std::string prev_h, prev_state;
    for (std::int64_t s = 0; s < steps; ++s) {
      const std::int64_t t = reverse ? steps - 1 - s : s;
      const std::string tag = base + ".t" + std::to_string(t);
      std::string r_out;
      if (s > 0) {
        r_out = tag + "#r";
        const int li = dense(n, *flow(prev_h), rd, false, 1.0, lstm ? nullptr : &rb, 1.0, r_out);
        Layer& rl = layer(li);
        rl.name = tag + ".R";
        rl.step = static_cast<int>(s - 1);
        rl.steps = static_cast<int>(steps - 1);
        if (first_r < 0) first_r = li;
        else rl.weight_source = first_r;  // the same weights: step 1's arrays
      }
      Node cell = n;
      cell.name = tag;
      cell.inputs = {pre, r_out, prev_state, !lstm && s == 0 ? rb_name : ""};
      cell.outputs = {tag + "#state"};
      cell.attributes = {{"hidden_size", int_attribute(h)}, {"time_index", int_attribute(t)}};
      make_operator(cell, lstm ? "cimsim.LstmCell" : "cimsim.GruCell", 13);
      prev_state = cell.outputs.front();
      prev_h = prev_state;
      if (lstm) prev_h = slice_state(n, prev_state, tag + "#h", 0, h);
      h_names[static_cast<std::size_t>(d)][static_cast<std::size_t>(t)] = prev_h;
    }
    last_h.push_back(prev_h);
    last_state.push_back(prev_state);
  }

  // Y: [T, dirs, batch, H] (layout 0) or [batch, T, dirs, H]; one sample is [T, dirs, H] either way.
  auto stack = [&](const std::vector<std::string>& parts, const std::string& out, const Dims& dims, int axis) {
    models::OperatorArgs args;
    args.type = "Concat";
    args.attributes["axis"] = int_attribute(0);
    std::vector<const Flow*> flows;
    for (const auto& p : parts) {
      models::OperatorInput pi;
      pi.kind = models::OperatorInput::Kind::Activation;
      pi.dims = {1, h};
      args.inputs.push_back(pi);
      flows.push_back(flow(p));
    }
    Layout l;
    l.dims = dims;
    l.axis = axis;
    Node node = n;
    node.outputs = {out};
    add_operator(node, "Concat", args, flows, out, &l);
  };
  if (!n.outputs.empty() && !n.outputs[0].empty() && reader_count(n.outputs[0]) > 0) {
    std::vector<std::string> parts;
    for (std::int64_t t = 0; t < steps; ++t)
      for (std::int64_t d = 0; d < dirs; ++d) parts.push_back(h_names[static_cast<std::size_t>(d)][static_cast<std::size_t>(t)]);
    if (batch_major) stack(parts, n.outputs[0], {1, steps, dirs, h}, 0);
    else stack(parts, n.outputs[0], {steps, dirs, 1, h}, 2);
  }
  const Dims final_dims = batch_major ? Dims{1, dirs, h} : Dims{dirs, 1, h};
  const int final_axis = batch_major ? 0 : 1;
  if (n.outputs.size() > 1 && !n.outputs[1].empty() && reader_count(n.outputs[1]) > 0)
    stack(last_h, n.outputs[1], final_dims, final_axis);
  if (lstm && n.outputs.size() > 2 && !n.outputs[2].empty() && reader_count(n.outputs[2]) > 0) {
    std::vector<std::string> cs;
    for (std::size_t d = 0; d < last_state.size(); ++d)
      cs.push_back(slice_state(n, last_state[d], n.name + "#c" + std::to_string(d), h, h));
    stack(cs, n.outputs[2], final_dims, final_axis);
  }
}

std::string Importer::slice_state(const Node& n, const std::string& state, const std::string& out, std::int64_t first,
                                  std::int64_t count) {
  Node slice = n;
  slice.inputs = {state, int_list(out + ":starts", first), int_list(out + ":ends", first + count), int_list(out + ":axes", 1)};
  slice.outputs = {out};
  slice.attributes.clear();
  make_operator(slice, "Slice", 13);
  return out;
}

}  // namespace cimsim::workload::onnx_import
