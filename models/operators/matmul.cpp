// MatMul with numpy semantics where the loader cannot map it onto arrays: both operands computed
// per input (attention's Q·Kᵀ and P·V), or a constant that is not a weight matrix. It runs in the
// digital unit: per output element K mults and K − 1 adds.

#include "models/operators/matmul.hpp"
#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class MatMul final : public Operator {
 public:
  explicit MatMul(const OperatorArgs& a) {
    if (!a.present(0) || !a.present(1)) a.fail("", "needs two inputs");
    in_[0] = a.inputs[0];
    in_[1] = a.inputs[1];
    Dims d[2] = {in_[0].dims, in_[1].dims};
    if (d[0].empty() || d[1].empty()) a.fail("", "cannot multiply scalars");
    vector_a_ = d[0].size() == 1;
    vector_b_ = d[1].size() == 1;
    if (vector_a_) d[0].insert(d[0].begin(), 1);
    if (vector_b_) d[1].push_back(1);
    m_ = d[0][d[0].size() - 2];
    k_ = d[0].back();
    n_ = d[1].back();
    if (d[1][d[1].size() - 2] != k_)
      a.fail("", "inner dimensions differ: " + dims_text(in_[0].dims) + " times " + dims_text(in_[1].dims));
    const Dims batch_a(d[0].begin(), d[0].end() - 2), batch_b(d[1].begin(), d[1].end() - 2);
    batch_ = broadcast_dims(batch_a, batch_b, a);
    index_[0] = broadcast_index(batch_a, batch_);
    index_[1] = broadcast_index(batch_b, batch_);
    out_ = batch_;
    if (!vector_a_) out_.push_back(m_);
    if (!vector_b_) out_.push_back(n_);
    checked_elements(out_, a);
    int next = 0;
    for (int k = 0; k < 2; ++k) {
      if (in_[k].kind == OperatorInput::Kind::Activation) slot_[k] = next++;
      else constant_[k].assign(in_[k].values.begin(), in_[k].values.end());
    }
  }

  Dims output_dims() const override { return out_; }

  int batch_axis(const std::vector<int>& axes) const override {
    const int out_batch = static_cast<int>(batch_.size());
    int axis = -2;
    std::size_t next = 0;
    for (int k = 0; k < 2; ++k) {
      if (slot_[k] < 0) continue;
      const int a = axes.at(next++);
      const int rank = static_cast<int>(in_[k].dims.size());
      int mapped = -1;
      if (rank >= 2 && a < rank - 2) mapped = out_batch - (rank - 2) + a;       // a batch dimension
      else if (k == 0 && rank >= 2 && a == rank - 2 && slot_[1] < 0) mapped = out_batch;  // rows of A, B fixed
      if (mapped < 0 || (axis != -2 && mapped != axis)) return -1;
      axis = mapped;
    }
    if (axis < 0) return -1;
    // A constant must broadcast along the batch.
    for (int k = 0; k < 2; ++k) {
      if (slot_[k] >= 0 || axis >= out_batch) continue;
      const int rank = static_cast<int>(in_[k].dims.size());
      const int at = axis - (out_batch - (rank - 2));
      if (rank >= 2 && at >= 0 && in_[k].dims[static_cast<std::size_t>(at)] != 1) return -1;
    }
    return axis;
  }

  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override {
    const Eigen::Index cols = inputs.at(0)->cols();
    const std::int64_t batches = element_count(batch_);
    OperatorBatch y(static_cast<Eigen::Index>(batches * m_ * n_), cols);
    for (Eigen::Index s = 0; s < cols; ++s)
      for (std::int64_t b = 0; b < batches; ++b) {
        Eigen::Map<RowMajor> out(y.col(s).data() + b * m_ * n_, m_, n_);
        out.noalias() = block(0, inputs, s, b) * block(1, inputs, s, b);
      }
    return y;
  }

  DigitalOps cost() const override {
    const std::int64_t outputs = element_count(batch_) * m_ * n_;
    return {outputs * (k_ - 1), outputs * k_, 0};
  }

  std::optional<ActivationMatMul> both_activations() const {
    if (slot_[0] < 0 || slot_[1] < 0) return std::nullopt;
    return ActivationMatMul{m_, k_, n_, element_count(batch_), index_[0], index_[1]};
  }

  bool differentiable() const override { return true; }
  std::vector<OperatorBatch> backward(const std::vector<const OperatorBatch*>& inputs, const OperatorBatch&,
                                      const OperatorBatch& grad) const override {
    std::vector<OperatorBatch> g;
    for (int k = 0; k < 2; ++k)
      if (slot_[k] >= 0) g.push_back(OperatorBatch::Zero(element_count(in_[k].dims), grad.cols()));
    const std::int64_t batches = element_count(batch_);
    for (Eigen::Index s = 0; s < grad.cols(); ++s)
      for (std::int64_t b = 0; b < batches; ++b) {
        const Eigen::Map<const RowMajor> dy(grad.col(s).data() + b * m_ * n_, m_, n_);
        const RowMajor A = block(0, inputs, s, b), B = block(1, inputs, s, b);
        if (slot_[0] >= 0) {
          Eigen::Map<RowMajor> ga(g[0].col(s).data() + index_[0][static_cast<std::size_t>(b)] * m_ * k_, m_, k_);
          ga += dy * B.transpose();
        }
        if (slot_[1] >= 0) {
          OperatorBatch& gb_all = g[static_cast<std::size_t>(slot_[1])];
          Eigen::Map<RowMajor> gb(gb_all.col(s).data() + index_[1][static_cast<std::size_t>(b)] * k_ * n_, k_, n_);
          gb += A.transpose() * dy;
        }
      }
    return g;
  }

 private:
  // Operand k's matrix for output batch element b of sample s (rows × cols of the operand).
  Eigen::Map<const RowMajor> block(int k, const std::vector<const OperatorBatch*>& inputs, Eigen::Index s,
                                   std::int64_t b) const {
    const Eigen::Index rows = k == 0 ? m_ : k_, cols = k == 0 ? k_ : n_;
    const std::int64_t offset = index_[k][static_cast<std::size_t>(b)] * rows * cols;
    const float* base = slot_[k] >= 0 ? inputs[static_cast<std::size_t>(slot_[k])]->col(s).data() : constant_[k].data();
    return Eigen::Map<const RowMajor>(base + offset, rows, cols);
  }

  OperatorInput in_[2];
  bool vector_a_ = false, vector_b_ = false;
  std::int64_t m_ = 1, k_ = 1, n_ = 1;
  Dims batch_, out_;
  std::vector<std::int64_t> index_[2];
  int slot_[2] = {-1, -1};
  std::vector<float> constant_[2];
};

const bool registered = register_operator(
    {"MatMul", "matrix product of two computed tensors (numpy semantics) in the digital unit; K mults and K-1 adds per output",
     [](const OperatorArgs& a) { return std::make_unique<MatMul>(a); }, ""});

}  // namespace

std::optional<ActivationMatMul> activation_matmul(const Operator& op) {
  const auto* mm = dynamic_cast<const MatMul*>(&op);
  return mm ? mm->both_activations() : std::nullopt;
}

}  // namespace cimsim::models
