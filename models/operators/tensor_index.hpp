#pragma once
// Index arithmetic shared by the operators: C-order strides, numpy broadcasting, and operators
// that only move elements (transpose, slice, pad, concatenation, gather, expand), which are one
// table from each output element to the input element it copies.

#include "models/operators/operator.hpp"

namespace cimsim::models {

// The most elements a tensor of one sample may have (2^28 floats, 1 GiB): a model asking for more
// is refused before anything is allocated.
inline constexpr std::int64_t kMaxSampleElements = std::int64_t{1} << 28;
// Elements of `d`, refused (via `args`) when a dimension is negative or the count exceeds the limit.
std::int64_t checked_elements(const Dims& d, const OperatorArgs& args);

Dims strides_of(const Dims& d);
// Calls fn(position, flat index) for every element of a tensor of shape `d`, in C order.
void for_each_position(const Dims& d, const std::function<void(const Dims&, std::int64_t)>& fn);
// The flat C-order index of `pos` in a tensor with these strides.
std::int64_t flat_index(const Dims& pos, const Dims& strides);

// For each output element i, the element of a broadcast input it reads, without a table where the
// input varies along one run of adjacent output axes only (the same shape, a scalar, a per-channel
// vector, [.., 1] against [.., n]): element (i / inner) % period. Other inputs keep a table of
// 8 bytes per output element (broadcast_index below), which a transformer's hidden activations
// would make hundreds of megabytes.
class BroadcastMap {
 public:
  BroadcastMap() = default;
  BroadcastMap(const Dims& in, const Dims& out);
  std::int64_t operator()(std::int64_t i) const {
    if (!table_.empty()) return table_[static_cast<std::size_t>(i)];
    return inner_ == 1 ? (period_ == size_ ? i : i % period_) : (i / inner_) % period_;
  }

 private:
  std::vector<std::int64_t> table_;
  std::int64_t inner_ = 1, period_ = 1, size_ = 1;
};

// numpy broadcasting of two shapes; refuses (via `args`) shapes that do not broadcast.
Dims broadcast_dims(const Dims& a, const Dims& b, const OperatorArgs& args);
// For each element of `out` in C order, the element of `in` it reads when `in` is broadcast to it.
std::vector<std::int64_t> broadcast_index(const Dims& in, const Dims& out);
// The batch axis of an output broadcast from inputs of these ranks: each activation's axis,
// right-aligned, must land on the same output axis; constants must be 1 there (they broadcast
// over any batch). −1 when not.
int broadcast_batch_axis(const std::vector<const OperatorInput*>& inputs, const std::vector<int>& activation_axes,
                         const Dims& out);

// Sums `grad` (shaped `out`) over the broadcast positions of an input of shape `in`.
OperatorBatch reduce_to(const OperatorBatch& grad, const std::vector<std::int64_t>& index, std::int64_t in_size);

// An operator that copies elements: output element i is element index[i] of input which[i]
// (a position in OperatorArgs::inputs, activation or constant), or `fill` where which[i] < 0.
class MoveOperator : public Operator {
 public:
  Dims output_dims() const override { return out_; }
  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override;
  DigitalOps cost() const override { return {}; }  // data movement only
  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs, const OperatorBatch& output,
                                      const OperatorBatch& grad_output) const override;

  // The copy table: input position per output element (−1: fill), and the element it copies.
  const std::vector<int>& sources() const { return which_; }
  const std::vector<std::int64_t>& indices() const { return index_; }

 protected:
  // Call from the derived constructor once out_, which_ and index_ are set.
  void bind(const OperatorArgs& args);

  Dims out_;
  std::vector<int> which_;
  std::vector<std::int64_t> index_;
  float fill_ = 0;

 private:
  std::vector<int> slot_;                   // per input position: its activation slot, or −1
  std::vector<std::vector<float>> consts_;  // per input position: constant values
  std::vector<std::int64_t> sizes_;         // per activation slot: elements
};

}  // namespace cimsim::models
