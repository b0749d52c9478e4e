// Einsum of one or two tensors (torchvision's MaxViT writes its attention products so:
// "B G H I D, B G H J D -> B G H I J"): each output element sums, over the letters missing from
// the output, the product of the operands' elements its letters name. Explicit ("->") or implicit
// output (the letters used once, in alphabetical order, as numpy has it); letters in upper or lower
// case, spaces ignored. Ellipses and a letter repeated within one operand (diagonals) are refused.
// It runs in the digital unit: per output element of S summed terms, S mults and S − 1 adds for
// two operands (S − 1 adds for one), like MatMul's.

#include <algorithm>
#include <cctype>
#include <map>

#include "models/operators/tensor_index.hpp"

namespace cimsim::models {
namespace {

class Einsum final : public Operator {
 public:
  explicit Einsum(const OperatorArgs& a) {
    std::string eq;
    for (char c : a.text("equation", "")) {
      if (c == '.') a.fail("equation", "ellipses (...) are not supported");
      if (!std::isspace(static_cast<unsigned char>(c))) eq += c;
    }
    if (eq.empty()) a.fail("equation", "is missing");
    const auto arrow = eq.find("->");
    const std::string lhs = eq.substr(0, arrow);
    std::vector<std::string> terms(1);
    for (char c : lhs) {
      if (c == ',') terms.emplace_back();
      else terms.back() += c;
    }
    if (terms.size() > 2) a.fail("equation", "more than two operands are not supported");
    if (a.inputs.size() != terms.size())
      a.fail("equation", "names " + std::to_string(terms.size()) + " operands for " + std::to_string(a.inputs.size()) + " inputs");
    std::map<char, std::int64_t> size;
    std::map<char, int> uses;
    for (std::size_t k = 0; k < terms.size(); ++k) {
      if (!a.present(k)) a.fail("", "input " + std::to_string(k) + " is missing");
      const Dims& d = a.inputs[k].dims;
      if (terms[k].size() != d.size())
        a.fail("equation", "operand " + std::to_string(k) + " '" + terms[k] + "' has " + std::to_string(terms[k].size()) +
                               " letters for a rank-" + std::to_string(d.size()) + " input " + dims_text(d));
      for (std::size_t i = 0; i < d.size(); ++i) {
        const char c = terms[k][i];
        if (!std::isalpha(static_cast<unsigned char>(c))) a.fail("equation", std::string("'") + c + "' is not a letter");
        if (terms[k].find(c) != i) a.fail("equation", std::string("repeats '") + c + "' in one operand (a diagonal), which is not supported");
        const auto [it, fresh] = size.emplace(c, d[i]);
        if (!fresh && it->second != d[i])
          a.fail("equation", std::string("'") + c + "' is " + std::to_string(it->second) + " in one operand and " +
                                 std::to_string(d[i]) + " in another");
        ++uses[c];
      }
    }
    if (arrow != std::string::npos) {
      output_ = eq.substr(arrow + 2);
    } else {
      for (const auto& [c, n] : uses)
        if (n == 1) output_ += c;
    }
    for (std::size_t i = 0; i < output_.size(); ++i) {
      const char c = output_[i];
      if (!size.count(c)) a.fail("equation", std::string("the output names '") + c + "', which no operand has");
      if (output_.find(c) != i) a.fail("equation", std::string("the output repeats '") + c + "'");
      out_.push_back(size[c]);
    }
    std::int64_t summed_terms = 1;
    for (const auto& term : terms)
      for (char c : term)
        if (output_.find(c) == std::string::npos && summed_.find(c) == std::string::npos) {
          summed_ += c;
          summed_terms *= size[c];
          if (summed_terms > kMaxSampleElements)
            a.fail("equation", "sums more than " + std::to_string(kMaxSampleElements) + " terms per output element");
        }
    checked_elements(out_, a);
    // Each operand's stride along every output and summed letter (0 where it lacks the letter),
    // and the summed terms' offsets in it, in C order of the summed letters.
    int activations = 0;
    for (std::size_t k = 0; k < terms.size(); ++k) {
      const OperatorInput& in = a.inputs[k];
      const Dims strides = strides_of(in.dims);
      auto stride = [&](char c) {
        const auto at = terms[k].find(c);
        return at == std::string::npos ? std::int64_t{0} : strides[at];
      };
      for (char c : output_) out_stride_[k].push_back(stride(c));
      sum_offset_[k].assign(1, 0);
      for (char c : summed_) {
        std::vector<std::int64_t> next;
        for (std::int64_t base : sum_offset_[k])
          for (std::int64_t i = 0; i < size[c]; ++i) next.push_back(base + i * stride(c));
        sum_offset_[k] = std::move(next);
      }
      if (in.kind == OperatorInput::Kind::Activation) slot_[k] = activations++;
      else constant_[k].assign(in.values.begin(), in.values.end());
    }
    if (activations == 0) a.fail("", "every input is a constant (the loader folds such nodes)");
    terms_ = terms;
  }

  Dims output_dims() const override { return out_; }

  // The activations' batch letter, the same for each, kept in the output and absent from constants.
  int batch_axis(const std::vector<int>& axes) const override {
    char letter = 0;
    std::size_t next = 0;
    for (std::size_t k = 0; k < terms_.size(); ++k) {
      if (slot_[k] < 0) continue;
      const int b = axes.at(next++);
      if (b < 0) return -1;
      const char c = terms_[k][static_cast<std::size_t>(b)];
      if (letter != 0 && c != letter) return -1;
      letter = c;
    }
    for (std::size_t k = 0; k < terms_.size(); ++k)
      if (slot_[k] < 0 && terms_[k].find(letter) != std::string::npos) return -1;
    const auto at = output_.find(letter);
    return at == std::string::npos ? -1 : static_cast<int>(at);
  }

  OperatorBatch forward(const std::vector<const OperatorBatch*>& inputs) const override {
    const Eigen::Index cols = inputs.at(0)->cols();
    const std::int64_t n = element_count(out_);
    const std::size_t operands = terms_.size();
    OperatorBatch y(n, cols);
    for (Eigen::Index s = 0; s < cols; ++s) {
      const float* data[2] = {nullptr, nullptr};
      for (std::size_t k = 0; k < operands; ++k)
        data[k] = slot_[k] >= 0 ? inputs[static_cast<std::size_t>(slot_[k])]->col(s).data() : constant_[k].data();
      Dims pos(out_.size(), 0);
      std::int64_t base[2] = {0, 0};
      for (std::int64_t i = 0; i < n; ++i) {
        float acc = 0.0f;
        if (operands == 2) {
          for (std::size_t t = 0; t < sum_offset_[0].size(); ++t)
            acc += data[0][base[0] + sum_offset_[0][t]] * data[1][base[1] + sum_offset_[1][t]];
        } else {
          for (std::int64_t off : sum_offset_[0]) acc += data[0][base[0] + off];
        }
        y(i, s) = acc;
        // The next output position, in C order: its operands' bases move by the letters' strides.
        for (std::size_t d = out_.size(); d-- > 0;) {
          ++pos[d];
          for (std::size_t k = 0; k < operands; ++k) base[k] += out_stride_[k][d];
          if (pos[d] < out_[d]) break;
          for (std::size_t k = 0; k < operands; ++k) base[k] -= out_stride_[k][d] * pos[d];
          pos[d] = 0;
        }
      }
    }
    return y;
  }

  DigitalOps cost() const override {
    const auto terms = static_cast<std::int64_t>(sum_offset_[0].size());
    const std::int64_t n = element_count(out_);
    return terms_.size() == 2 ? DigitalOps{terms - 1, terms, 0} * n : DigitalOps{terms - 1, 0, 0} * n;
  }

 private:
  std::vector<std::string> terms_;
  std::string output_, summed_;
  Dims out_;
  Dims out_stride_[2];
  std::vector<std::int64_t> sum_offset_[2];  // of each summed term in each operand
  int slot_[2] = {-1, -1};                   // activation slot of each operand, −1 for a constant
  std::vector<float> constant_[2];
};

const bool registered = register_operator(
    {"Einsum", "sums products over the letters an equation leaves out; S mults and S - 1 adds per output element",
     [](const OperatorArgs& a) { return std::make_unique<Einsum>(a); }, ""});

}  // namespace
}  // namespace cimsim::models
