#include "onnx_reference.hpp"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace cimsim::test {

namespace {

// A tensor: float32 values (held in double), and for quantized tensors their integer codes,
// scales (one, or one per channel along axis 0) and zero point.
struct Value {
  std::vector<std::int64_t> shape;
  std::vector<double> f;
  bool quantized = false;
  std::vector<std::int64_t> q;
  std::vector<double> scale;
  std::int64_t zero = 0;
  std::int64_t q_min = 0, q_max = 255;
  std::int64_t size() const {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

double f32(double x) { return static_cast<double>(static_cast<float>(x)); }

Value tensor(const onnx::TensorProto& t) {
  Value v;
  for (auto d : t.dims()) v.shape.push_back(d);
  const std::int64_t n = v.size();
  const std::string& raw = t.raw_data();
  auto read = [&](auto sample) {
    using T = decltype(sample);
    for (std::int64_t i = 0; i < n; ++i) {
      T x;
      if (!raw.empty()) std::memcpy(&x, raw.data() + i * sizeof(T), sizeof(T));
      else if constexpr (std::is_same_v<T, float>) x = t.float_data(static_cast<int>(i));
      else if constexpr (std::is_same_v<T, std::int64_t>) x = t.int64_data(static_cast<int>(i));
      else x = static_cast<T>(t.int32_data(static_cast<int>(i)));
      v.f.push_back(static_cast<double>(x));
    }
  };
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: read(float{}); break;
    case onnx::TensorProto::INT64: read(std::int64_t{}); break;
    case onnx::TensorProto::INT8: read(std::int8_t{}); v.q_min = -128; v.q_max = 127; break;
    case onnx::TensorProto::UINT8: read(std::uint8_t{}); break;
    case onnx::TensorProto::INT32: read(std::int32_t{}); break;
    default: throw std::runtime_error("reference: unsupported tensor type");
  }
  return v;
}

std::int64_t attr_i(const onnx::NodeProto& n, const char* name, std::int64_t def) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.i();
  return def;
}
float attr_f(const onnx::NodeProto& n, const char* name, float def) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.f();
  return def;
}
std::vector<std::int64_t> attr_ints(const onnx::NodeProto& n, const char* name, std::vector<std::int64_t> def) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  return def;
}

}  // namespace

struct OnnxReference::Impl {
  onnx::ModelProto model;
  std::map<std::string, Value> constants;
};

OnnxReference::OnnxReference(const std::string& path) : impl_(std::make_shared<Impl>()) {
  std::ifstream in(path, std::ios::binary);
  if (!impl_->model.ParseFromIstream(&in)) throw std::runtime_error("reference: cannot parse " + path);
  for (const auto& t : impl_->model.graph().initializer()) impl_->constants[t.name()] = tensor(t);
}

std::vector<float> OnnxReference::run(const std::vector<float>& sample) {
  const onnx::GraphProto& g = impl_->model.graph();
  std::map<std::string, Value> v = impl_->constants;
  accumulators_.clear();
  for (const auto& in : g.input()) {
    if (v.count(in.name())) continue;
    Value x;
    const auto& shape = in.type().tensor_type().shape();
    for (int d = 1; d < shape.dim_size(); ++d) x.shape.push_back(shape.dim(d).dim_value());
    x.f.assign(sample.begin(), sample.end());
    v[in.name()] = x;
    break;
  }
  auto get = [&](const onnx::NodeProto& n, int i) -> const Value& { return v.at(n.input(i)); };

  for (const auto& n : g.node()) {
    const std::string& op = n.op_type();
    Value out;
    if (op == "Constant") {
      out = tensor(n.attribute(0).t());
    } else if (op == "Identity" || op == "Dropout" || op == "Softmax") {
      out = get(n, 0);
    } else if (op == "QuantizeLinear") {
      const Value& x = get(n, 0);
      out.shape = x.shape;
      out.quantized = true;
      out.scale = {get(n, 1).f[0]};
      const Value& z = get(n, 2);
      out.zero = static_cast<std::int64_t>(z.f[0]);
      out.q_min = z.q_min;
      out.q_max = z.q_max;
      for (double xi : x.f) {
        const double q = std::nearbyint(xi / out.scale[0]) + static_cast<double>(out.zero);  // half to even
        out.q.push_back(static_cast<std::int64_t>(std::min<double>(std::max<double>(q, out.q_min), out.q_max)));
      }
    } else if (op == "DequantizeLinear") {
      out = get(n, 0);
      const Value& s = get(n, 1);
      const Value& z = get(n, 2);
      if (!out.quantized) {  // weights: integer codes stored as an initializer
        out.quantized = true;
        for (double c : out.f) out.q.push_back(static_cast<std::int64_t>(c));
        out.zero = static_cast<std::int64_t>(z.f[0]);
      }
      out.scale = s.f;
      const std::int64_t per = s.f.size() > 1 ? out.size() / static_cast<std::int64_t>(s.f.size()) : out.size();
      out.f.resize(out.q.size());
      for (std::size_t i = 0; i < out.q.size(); ++i)
        out.f[i] = f32(static_cast<double>(out.q[i] - out.zero) * s.f[s.f.size() > 1 ? i / per : 0]);
    } else if (op == "Conv") {
      const Value& x = get(n, 0);
      const Value& w = get(n, 1);
      const std::int64_t oc = w.shape[0], icg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
      const std::int64_t h = x.shape[1], wd = x.shape[2];
      const std::int64_t groups = attr_i(n, "group", 1);
      const auto st = attr_ints(n, "strides", {1, 1});
      const auto pads = attr_ints(n, "pads", {0, 0, 0, 0});
      const auto dil = attr_ints(n, "dilations", {1, 1});
      const std::int64_t oh = (h + pads[0] + pads[2] - dil[0] * (kh - 1) - 1) / st[0] + 1;
      const std::int64_t ow = (wd + pads[1] + pads[3] - dil[1] * (kw - 1) - 1) / st[1] + 1;
      const bool integer = x.quantized && w.quantized;
      out.shape = {oc, oh, ow};
      out.f.assign(static_cast<std::size_t>(oc * oh * ow), 0.0);
      std::vector<std::int64_t>& acc = accumulators_[n.name()];
      if (integer) acc.assign(out.f.size(), 0);
      for (std::int64_t o = 0; o < oc; ++o) {
        const std::int64_t g0 = (o / (oc / groups)) * icg;
        for (std::int64_t y = 0; y < oh; ++y)
          for (std::int64_t xo = 0; xo < ow; ++xo) {
            double sum = 0;
            std::int64_t isum = 0;
            for (std::int64_t ci = 0; ci < icg; ++ci)
              for (std::int64_t ky = 0; ky < kh; ++ky)
                for (std::int64_t kx = 0; kx < kw; ++kx) {
                  const std::int64_t yy = y * st[0] - pads[0] + ky * dil[0], xx = xo * st[1] - pads[1] + kx * dil[1];
                  if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                  const std::int64_t xi = ((g0 + ci) * h + yy) * wd + xx, wi = ((o * icg + ci) * kh + ky) * kw + kx;
                  if (integer) isum += w.q[wi] * (x.q[xi] - x.zero);
                  else sum += w.f[wi] * x.f[xi];
                }
            const std::size_t k = static_cast<std::size_t>((o * oh + y) * ow + xo);
            if (integer) {
              acc[k] = isum;
              sum = static_cast<double>(isum) * (w.scale[w.scale.size() > 1 ? o : 0] * x.scale[0]);
            }
            if (n.input_size() > 2) sum += get(n, 2).f[o];
            out.f[k] = f32(sum);
          }
      }
      if (!integer) accumulators_.erase(n.name());
    } else if (op == "Gemm") {
      const Value& a = get(n, 0);
      const Value& b = get(n, 1);
      const bool tb = attr_i(n, "transB", 0) != 0;
      const std::int64_t in = tb ? b.shape[1] : b.shape[0], outs = tb ? b.shape[0] : b.shape[1];
      const bool integer = a.quantized && b.quantized;
      out.shape = {outs};
      std::vector<std::int64_t>& acc = accumulators_[n.name()];
      for (std::int64_t o = 0; o < outs; ++o) {
        double sum = 0;
        std::int64_t isum = 0;
        for (std::int64_t i = 0; i < in; ++i) {
          const std::int64_t bi = tb ? o * in + i : i * outs + o;
          if (integer) isum += b.q[bi] * (a.q[i] - a.zero);
          else sum += b.f[bi] * a.f[i];
        }
        if (integer) {
          acc.push_back(isum);
          sum = static_cast<double>(isum) * (b.scale[b.scale.size() > 1 ? o : 0] * a.scale[0]);
        }
        sum *= attr_f(n, "alpha", 1.0f);
        if (n.input_size() > 2) sum += attr_f(n, "beta", 1.0f) * get(n, 2).f[get(n, 2).f.size() > 1 ? o : 0];
        out.f.push_back(f32(sum));
      }
      if (!integer) accumulators_.erase(n.name());
    } else if (op == "BatchNormalization") {
      out = get(n, 0);
      out.quantized = false;
      const std::int64_t c = out.shape[0], hw = out.size() / c;
      const double eps = attr_f(n, "epsilon", 1e-5f);
      for (std::int64_t ch = 0; ch < c; ++ch) {
        const double k = get(n, 1).f[ch] / std::sqrt(get(n, 4).f[ch] + eps);
        for (std::int64_t i = 0; i < hw; ++i) {
          double& y = out.f[static_cast<std::size_t>(ch * hw + i)];
          y = f32((y - get(n, 3).f[ch]) * k + get(n, 2).f[ch]);
        }
      }
    } else if (op == "Relu") {
      out = get(n, 0);
      out.quantized = false;
      for (double& y : out.f) y = std::max(y, 0.0);
    } else if (op == "Add") {
      out = get(n, 0);
      out.quantized = false;
      const Value& b = get(n, 1);
      for (std::size_t i = 0; i < out.f.size(); ++i) out.f[i] = f32(out.f[i] + b.f[b.f.size() == 1 ? 0 : i]);
    } else if (op == "MaxPool" || op == "AveragePool") {
      const Value& x = get(n, 0);
      const auto k = attr_ints(n, "kernel_shape", {1, 1});
      const auto st = attr_ints(n, "strides", {1, 1});
      const auto pads = attr_ints(n, "pads", {0, 0, 0, 0});
      const std::int64_t c = x.shape[0], h = x.shape[1], wd = x.shape[2];
      const std::int64_t oh = (h + pads[0] + pads[2] - k[0]) / st[0] + 1, ow = (wd + pads[1] + pads[3] - k[1]) / st[1] + 1;
      out.shape = {c, oh, ow};
      for (std::int64_t ch = 0; ch < c; ++ch)
        for (std::int64_t y = 0; y < oh; ++y)
          for (std::int64_t xo = 0; xo < ow; ++xo) {
            double m = op == "MaxPool" ? -1e300 : 0;
            std::int64_t cnt = 0;
            for (std::int64_t ky = 0; ky < k[0]; ++ky)
              for (std::int64_t kx = 0; kx < k[1]; ++kx) {
                const std::int64_t yy = y * st[0] - pads[0] + ky, xx = xo * st[1] - pads[1] + kx;
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                const double e = x.f[static_cast<std::size_t>((ch * h + yy) * wd + xx)];
                m = op == "MaxPool" ? std::max(m, e) : m + e;
                ++cnt;
              }
            out.f.push_back(f32(op == "MaxPool" ? m : m / static_cast<double>(cnt)));
          }
    } else if (op == "GlobalAveragePool") {
      const Value& x = get(n, 0);
      const std::int64_t c = x.shape[0], hw = x.size() / c;
      out.shape = {c, 1, 1};
      for (std::int64_t ch = 0; ch < c; ++ch) {
        double s = 0;
        for (std::int64_t i = 0; i < hw; ++i) s += x.f[static_cast<std::size_t>(ch * hw + i)];
        out.f.push_back(f32(s / static_cast<double>(hw)));
      }
    } else if (op == "Flatten") {
      out = get(n, 0);
      out.shape = {out.size()};
    } else {
      throw std::runtime_error("reference: operator " + op + " not implemented");
    }
    v[n.output(0)] = std::move(out);
  }
  const Value& logits = v.at(g.output(0).name());
  return std::vector<float>(logits.f.begin(), logits.f.end());
}

}  // namespace cimsim::test
