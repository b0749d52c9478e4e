#include "models/operators/tensor_index.hpp"

#include <algorithm>

namespace cimsim::models {

std::int64_t checked_elements(const Dims& d, const OperatorArgs& args) {
  std::int64_t n = 1;
  for (auto v : d) {
    if (v < 0) args.fail("", "a negative dimension in " + dims_text(d));
    if (v > 0 && n > kMaxSampleElements / v) args.fail("", "a tensor of " + dims_text(d) + " is larger than cimsim supports per sample");
    n *= v;
  }
  if (n > kMaxSampleElements) args.fail("", "a tensor of " + dims_text(d) + " is larger than cimsim supports per sample");
  return n;
}

Dims strides_of(const Dims& d) {
  Dims s(d.size(), 1);
  for (std::size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

void for_each_position(const Dims& d, const std::function<void(const Dims&, std::int64_t)>& fn) {
  const std::int64_t n = element_count(d);
  Dims pos(d.size(), 0);
  for (std::int64_t i = 0; i < n; ++i) {
    fn(pos, i);
    for (std::size_t k = d.size(); k-- > 0;) {
      if (++pos[k] < d[k]) break;
      pos[k] = 0;
    }
  }
}

std::int64_t flat_index(const Dims& pos, const Dims& strides) {
  std::int64_t at = 0;
  for (std::size_t k = 0; k < pos.size(); ++k) at += pos[k] * strides[k];
  return at;
}

Dims broadcast_dims(const Dims& a, const Dims& b, const OperatorArgs& args) {
  const std::size_t rank = std::max(a.size(), b.size());
  Dims out(rank, 1);
  for (std::size_t k = 0; k < rank; ++k) {
    const std::int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    const std::int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      args.fail("", "shapes " + dims_text(a) + " and " + dims_text(b) + " do not broadcast");
    out[k] = da == 1 ? db : da;
  }
  checked_elements(out, args);
  return out;
}

BroadcastMap::BroadcastMap(const Dims& in, const Dims& out) : size_(element_count(out)) {
  const std::size_t lead = out.size() - in.size();
  // The output axes along which the input varies (its size there is not 1): one run of them, with
  // only axes of size 1 in the output between, reads the input in order.
  std::size_t first = out.size(), last = 0;
  for (std::size_t k = lead; k < out.size(); ++k)
    if (in[k - lead] != 1) {
      first = std::min(first, k);
      last = k + 1;
    }
  bool run = true;
  for (std::size_t k = first; k < last; ++k) run = run && (in[k - lead] != 1 || out[k] == 1);
  if (!run) {
    table_ = broadcast_index(in, out);
    return;
  }
  for (std::size_t k = last; k < out.size(); ++k) inner_ *= out[k];
  for (std::size_t k = first; k < last; ++k) period_ *= out[k];
}

std::vector<std::int64_t> broadcast_index(const Dims& in, const Dims& out) {
  const std::size_t lead = out.size() - in.size();
  const Dims in_strides = strides_of(in);
  // Stride of each output axis in the input: 0 where the input broadcasts.
  Dims step(out.size(), 0);
  for (std::size_t k = lead; k < out.size(); ++k) step[k] = in[k - lead] == 1 ? 0 : in_strides[k - lead];
  const std::int64_t n = element_count(out);
  std::vector<std::int64_t> index(static_cast<std::size_t>(n));
  Dims pos(out.size(), 0);
  std::int64_t at = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    index[static_cast<std::size_t>(i)] = at;
    for (std::size_t k = out.size(); k-- > 0;) {
      ++pos[k];
      at += step[k];
      if (pos[k] < out[k]) break;
      at -= step[k] * pos[k];
      pos[k] = 0;
    }
  }
  return index;
}

int broadcast_batch_axis(const std::vector<const OperatorInput*>& inputs, const std::vector<int>& activation_axes,
                         const Dims& out) {
  const int rank = static_cast<int>(out.size());
  int axis = -2;  // not yet known
  std::size_t a = 0;
  for (const OperatorInput* in : inputs) {
    if (in->kind != OperatorInput::Kind::Activation) continue;
    const int at = activation_axes.at(a++);
    const int mapped = rank - static_cast<int>(in->dims.size()) + at;
    if (at < 0 || (axis != -2 && mapped != axis)) return -1;
    axis = mapped;
  }
  if (axis < 0) return -1;
  for (const OperatorInput* in : inputs) {
    if (in->kind != OperatorInput::Kind::Constant) continue;
    const int k = axis - (rank - static_cast<int>(in->dims.size()));
    if (k >= 0 && in->dims[static_cast<std::size_t>(k)] != 1) return -1;
  }
  return axis;
}

OperatorBatch reduce_to(const OperatorBatch& grad, const std::vector<std::int64_t>& index, std::int64_t in_size) {
  OperatorBatch g = OperatorBatch::Zero(in_size, grad.cols());
  for (Eigen::Index s = 0; s < grad.cols(); ++s)
    for (std::size_t i = 0; i < index.size(); ++i) g(index[i], s) += grad(static_cast<Eigen::Index>(i), s);
  return g;
}

void MoveOperator::bind(const OperatorArgs& args) {
  slot_.assign(args.inputs.size(), -1);
  consts_.assign(args.inputs.size(), {});
  int next = 0;
  for (std::size_t k = 0; k < args.inputs.size(); ++k) {
    const OperatorInput& in = args.inputs[k];
    if (in.kind == OperatorInput::Kind::Activation) {
      slot_[k] = next++;
      sizes_.push_back(element_count(in.dims));
    } else if (in.kind == OperatorInput::Kind::Constant) {
      consts_[k].assign(in.values.begin(), in.values.end());
    }
  }
}

OperatorBatch MoveOperator::forward(const std::vector<const OperatorBatch*>& inputs) const {
  const Eigen::Index cols = inputs.empty() ? 1 : inputs.front()->cols();
  OperatorBatch out(static_cast<Eigen::Index>(index_.size()), cols);
  for (std::size_t i = 0; i < index_.size(); ++i) {
    const int w = which_[i];
    const auto row = static_cast<Eigen::Index>(i);
    if (w < 0) {
      out.row(row).setConstant(fill_);
    } else if (slot_[static_cast<std::size_t>(w)] >= 0) {
      out.row(row) = inputs[static_cast<std::size_t>(slot_[static_cast<std::size_t>(w)])]->row(index_[i]);
    } else {
      out.row(row).setConstant(consts_[static_cast<std::size_t>(w)][static_cast<std::size_t>(index_[i])]);
    }
  }
  return out;
}

std::vector<OperatorBatch> MoveOperator::backward(const std::vector<const OperatorBatch*>& inputs,
                                                  const OperatorBatch&, const OperatorBatch& grad) const {
  std::vector<OperatorBatch> g;
  for (std::int64_t n : sizes_) g.push_back(OperatorBatch::Zero(n, grad.cols()));
  for (std::size_t i = 0; i < index_.size(); ++i) {
    const int w = which_[i];
    if (w < 0 || slot_[static_cast<std::size_t>(w)] < 0) continue;
    g[static_cast<std::size_t>(slot_[static_cast<std::size_t>(w)])].row(index_[i]) += grad.row(static_cast<Eigen::Index>(i));
  }
  (void)inputs;
  return g;
}

}  // namespace cimsim::models
