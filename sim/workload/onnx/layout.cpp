#include "sim/workload/onnx/layout.hpp"

#include <stdexcept>

namespace cimsim::workload::onnx_import {

namespace {

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument(why); }

std::int64_t product(const Dims& d, std::size_t from, std::size_t to) {
  std::int64_t p = 1;
  for (std::size_t k = from; k < to; ++k) p *= d[k];
  return p;
}

std::string text(const std::vector<SymDim>& d) {
  std::string out = "[";
  for (std::size_t i = 0; i < d.size(); ++i) {
    out += i ? ", " : "";
    if (d[i].coef == 0) out += std::to_string(d[i].value);
    else out += (d[i].coef == 1 ? "" : std::to_string(d[i].coef) + "·") + "N" + (d[i].value ? "+" + std::to_string(d[i].value) : "");
  }
  return out + "]";
}

}  // namespace

std::vector<SymDim> symbolic_values(const Tensor& t) {
  std::vector<SymDim> out;
  for (std::size_t i = 0; i < t.values.size(); ++i)
    out.push_back({t.batch_coef.empty() ? 0 : t.batch_coef[i], static_cast<std::int64_t>(t.values[i])});
  return out;
}

Shape Layout::sample() const {
  if (outer * inner != 1) return dims;
  Shape s;
  for (std::size_t k = 0; k < dims.size(); ++k)
    if (static_cast<int>(k) != axis) s.push_back(dims[k]);
  return s;
}

std::vector<SymDim> Layout::symbolic_dims() const {
  std::vector<SymDim> out;
  for (std::size_t k = 0; k < dims.size(); ++k)
    out.push_back(static_cast<int>(k) == axis ? SymDim{outer * inner, 0} : SymDim{0, dims[k]});
  return out;
}

Layout reshape(const Layout& in, const std::vector<SymDim>& target_in, bool allow_zero) {
  std::vector<SymDim> target = target_in;
  const std::vector<SymDim> src = in.symbolic_dims();
  // Elements before the batch factor and after it, in memory order.
  const std::int64_t before = product(in.dims, 0, static_cast<std::size_t>(in.axis)) * in.outer;
  const std::int64_t after = in.inner * product(in.dims, static_cast<std::size_t>(in.axis) + 1, in.dims.size());
  int unknown = -1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    SymDim& t = target[k];
    if (t.coef == 0 && t.value == 0 && !allow_zero) {
      if (k >= src.size()) bad("a 0 in the target shape " + text(target_in) + " copies a dimension the input lacks");
      t = src[k];
    } else if (t.coef == 0 && t.value == -1) {
      if (unknown >= 0) bad("the target shape " + text(target_in) + " has more than one -1");
      unknown = static_cast<int>(k);
    } else if (t.coef < 0 || (t.coef == 0 && t.value < 0) || (t.coef != 0 && t.value != 0)) {
      bad("the target shape " + text(target_in) + " has a dimension that is not a size");
    }
  }
  // Sizes as coef·N: the input holds before·after·N elements.
  const std::int64_t total = before * after;
  std::int64_t known = 1, known_coef = 0;
  int batch = -1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    if (static_cast<int>(k) == unknown) continue;
    if (target[k].coef != 0) {
      if (batch >= 0) bad("the target shape " + text(target_in) + " holds the batch size twice");
      batch = static_cast<int>(k);
      known_coef = target[k].coef;
    } else {
      known *= target[k].value;
    }
  }
  if (unknown >= 0) {
    const std::int64_t rest = batch >= 0 ? known * known_coef : known;
    if (rest == 0 || total % rest != 0)
      bad("cannot reshape " + text(src) + " to " + text(target_in) + ": the sizes do not divide");
    target[static_cast<std::size_t>(unknown)] = batch >= 0 ? SymDim{0, total / rest} : SymDim{total / rest, 0};
    if (batch < 0) batch = unknown;
  }
  Layout out;
  for (const auto& t : target) out.dims.push_back(t.coef != 0 ? t.coef : t.value);
  if (batch < 0) {
    // Every size is fixed: a model exported for one batch size. Find where the batch factor of
    // the input lands; with N = 1 that is an axis whose leading elements match `before`.
    for (std::size_t b = 0; b < out.dims.size() && batch < 0; ++b) {
      const std::int64_t lead = product(out.dims, 0, b);
      if (lead == 0 || before % lead != 0) continue;
      const std::int64_t o = before / lead;
      if (out.dims[b] % o != 0) continue;
      const std::int64_t i = out.dims[b] / o;
      if (i * product(out.dims, b + 1, out.dims.size()) == after) {
        batch = static_cast<int>(b);
        out.outer = o;
        out.inner = i;
      }
    }
    if (batch < 0) bad("reshaping " + text(src) + " to " + text(target_in) + " mixes the samples of a batch");
    out.axis = batch;
    return out;
  }
  const std::int64_t lead = product(out.dims, 0, static_cast<std::size_t>(batch));
  const std::int64_t coef = out.dims[static_cast<std::size_t>(batch)];
  const std::int64_t trail = product(out.dims, static_cast<std::size_t>(batch) + 1, out.dims.size());
  if (lead == 0 || before % lead != 0 || coef % (before / lead) != 0 || (coef / (before / lead)) * trail != after)
    bad("reshaping " + text(src) + " to " + text(target_in) + " mixes the samples of a batch");
  out.axis = batch;
  out.outer = before / lead;
  out.inner = coef / out.outer;
  return out;
}

}  // namespace cimsim::workload::onnx_import
