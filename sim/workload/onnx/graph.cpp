#include "sim/workload/onnx/graph.hpp"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <set>

#include "sim/config/error.hpp"
#include "sim/util/mapped_file.hpp"
#include "sim/workload/onnx/wire.hpp"

namespace cimsim::workload::onnx_import {

using config::InputError;
using onnx::TensorProto;

bool Tensor::integral() const { return dtype_is_integer(dtype); }

void Tensor::materialize() {
  if (!deferred()) return;
  const auto n = static_cast<std::size_t>(size());
  values.resize(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = at(i);
  if (raw_mapped) util::MappedFile::release(raw);
  raw = {};
  raw_owner.reset();
}

bool Tensor::symbolic() const {
  for (auto c : batch_coef)
    if (c != 0) return true;
  return false;
}

std::string dtype_name(int dtype) {
  switch (dtype) {
    case TensorProto::FLOAT: return "float32";
    case TensorProto::UINT8: return "uint8";
    case TensorProto::INT8: return "int8";
    case TensorProto::UINT16: return "uint16";
    case TensorProto::INT16: return "int16";
    case TensorProto::INT32: return "int32";
    case TensorProto::INT64: return "int64";
    case TensorProto::STRING: return "string";
    case TensorProto::BOOL: return "bool";
    case TensorProto::FLOAT16: return "float16";
    case TensorProto::DOUBLE: return "float64";
    case TensorProto::UINT32: return "uint32";
    case TensorProto::UINT64: return "uint64";
    case TensorProto::BFLOAT16: return "bfloat16";
    default: return "type " + std::to_string(dtype);
  }
}

bool dtype_is_integer(int dtype) {
  switch (dtype) {
    case TensorProto::UINT8:
    case TensorProto::INT8:
    case TensorProto::UINT16:
    case TensorProto::INT16:
    case TensorProto::INT32:
    case TensorProto::INT64:
    case TensorProto::BOOL:
    case TensorProto::UINT32:
    case TensorProto::UINT64: return true;
    default: return false;
  }
}

bool dtype_is_float(int dtype) {
  return dtype == TensorProto::FLOAT || dtype == TensorProto::DOUBLE || dtype == TensorProto::FLOAT16;
}

namespace {

double half_to_double(std::uint16_t h) {
  const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double v;
  if (exponent == 0) v = std::ldexp(mantissa, -24);
  else if (exponent == 31) v = mantissa ? std::nan("") : INFINITY;
  else v = std::ldexp(mantissa + 1024, exponent - 25);
  return sign ? -v : v;
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_ + ": error: " + what); }

  // Raw data taken out of the model before parsing (wire.hpp), kept alive by `owner`.
  struct InPlace {
    std::string_view bytes;
    std::shared_ptr<const void> owner;
    bool mapped = false;  // owner is a util::MappedFile
  };

  // A large float32 or 8-bit integer tensor keeps its raw data as it is instead of converting it
  // (Tensor::raw):
  // `in_place` when it was taken out of the model, else `raw_owner` (the tensor's own raw_data,
  // when the caller lets it go).
  Tensor tensor(const TensorProto& t, const std::string& where, std::string* raw_owner = nullptr,
                const InPlace* in_place = nullptr) const {
    Tensor c;
    c.dtype = t.data_type();
    const std::string what = where + " '" + t.name() + "'";
    if (t.data_location() == TensorProto::EXTERNAL)
      fail(what + " keeps its data in an external file, which is not supported (save the model with the data inside)");
    std::int64_t n = 1;
    for (auto d : t.dims()) {
      if (d < 0) fail(what + " has a negative dimension " + std::to_string(d));
      if (d > 0 && n > kMaxTensorElements / d)
        fail(what + " declares more than " + std::to_string(kMaxTensorElements) + " elements");
      n *= d;
      c.dims.push_back(d);
    }
    const std::string_view raw = in_place ? in_place->bytes : std::string_view(t.raw_data());
    const bool has_raw = in_place || t.has_raw_data();
    auto from_raw = [&](auto sample) {
      using T = decltype(sample);
      if (raw.size() != static_cast<std::size_t>(n) * sizeof(T))
        fail(what + " holds " + std::to_string(raw.size()) + " bytes for " + std::to_string(n) + " elements of " +
             dtype_name(c.dtype));
      // Reserved, not resized: zero-filling VGG-16's 138 M values first cost a pass over 1.1 GB.
      c.values.reserve(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, raw.data() + i * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
        if constexpr (std::is_same_v<T, std::uint16_t>) {
          c.values.push_back(c.dtype == TensorProto::FLOAT16 ? half_to_double(v) : v);
        } else {
          c.values.push_back(static_cast<double>(v));
        }
      }
    };
    auto from_field = [&](const auto& field, bool half = false) {
      if (field.size() != n)
        fail(what + " has " + std::to_string(field.size()) + " values for " + std::to_string(n) + " elements");
      for (auto v : field)
        c.values.push_back(half ? half_to_double(static_cast<std::uint16_t>(v)) : static_cast<double>(v));
    };
    const std::size_t element_bytes = c.dtype == TensorProto::FLOAT ? sizeof(float)
                                      : c.dtype == TensorProto::INT8 || c.dtype == TensorProto::UINT8 ? 1
                                                                                                      : 0;
    if ((in_place || raw_owner) && has_raw && element_bytes > 0 && n >= kDeferredElements &&
        raw.size() == static_cast<std::size_t>(n) * element_bytes) {
      if (in_place) {
        c.raw = in_place->bytes;
        c.raw_owner = in_place->owner;
        c.raw_mapped = in_place->mapped;
      } else {
        auto held = std::make_shared<std::string>();
        held->swap(*raw_owner);
        c.raw = *held;
        c.raw_owner = std::move(held);
      }
      return c;
    }
    switch (c.dtype) {
      case TensorProto::FLOAT: has_raw ? from_raw(float{}) : from_field(t.float_data()); break;
      case TensorProto::DOUBLE: has_raw ? from_raw(double{}) : from_field(t.double_data()); break;
      case TensorProto::FLOAT16: has_raw ? from_raw(std::uint16_t{}) : from_field(t.int32_data(), true); break;
      case TensorProto::INT64: has_raw ? from_raw(std::int64_t{}) : from_field(t.int64_data()); break;
      case TensorProto::INT32: has_raw ? from_raw(std::int32_t{}) : from_field(t.int32_data()); break;
      case TensorProto::INT16: has_raw ? from_raw(std::int16_t{}) : from_field(t.int32_data()); break;
      case TensorProto::UINT16: has_raw ? from_raw(std::uint16_t{}) : from_field(t.int32_data()); break;
      case TensorProto::INT8: has_raw ? from_raw(std::int8_t{}) : from_field(t.int32_data()); break;
      case TensorProto::UINT8: has_raw ? from_raw(std::uint8_t{}) : from_field(t.int32_data()); break;
      case TensorProto::BOOL: has_raw ? from_raw(std::uint8_t{}) : from_field(t.int32_data()); break;
      case TensorProto::UINT32: has_raw ? from_raw(std::uint32_t{}) : from_field(t.uint64_data()); break;
      case TensorProto::UINT64: has_raw ? from_raw(std::uint64_t{}) : from_field(t.uint64_data()); break;
      default: fail(what + " has element type " + dtype_name(c.dtype) + ", which is not supported");
    }
    for (std::size_t i = 0; i < c.values.size(); ++i)
      if (std::isnan(c.values[i])) fail(what + " holds NaN at element " + std::to_string(i));
    if (c.dtype == TensorProto::INT64 || c.dtype == TensorProto::UINT64)
      for (double& v : c.values) v = int64_value(v);
    return c;
  }

  models::Attribute attribute(const onnx::AttributeProto& a, const std::string& node) const {
    models::Attribute out;
    switch (a.type()) {
      case onnx::AttributeProto::INT: out.kind = models::Attribute::Kind::Int; out.i = a.i(); break;
      case onnx::AttributeProto::INTS:
        out.kind = models::Attribute::Kind::Ints;
        out.ints.assign(a.ints().begin(), a.ints().end());
        break;
      case onnx::AttributeProto::FLOAT: out.kind = models::Attribute::Kind::Float; out.f = a.f(); break;
      case onnx::AttributeProto::FLOATS:
        out.kind = models::Attribute::Kind::Floats;
        out.floats.assign(a.floats().begin(), a.floats().end());
        break;
      case onnx::AttributeProto::STRING: out.kind = models::Attribute::Kind::String; out.s = a.s(); break;
      case onnx::AttributeProto::TENSOR: {
        out.kind = models::Attribute::Kind::Tensor;
        const Tensor t = tensor(a.t(), "attribute '" + a.name() + "' of node '" + node + "':");
        out.tensor_dims = t.dims;
        out.floats = t.values;
        out.tensor_type = t.dtype;
        break;
      }
      default:
        // Graphs, sparse tensors and type protos belong to operators cimsim does not run; such a
        // node is reported as unsupported by its operator.
        out.kind = models::Attribute::Kind::String;
        out.s = "<unsupported attribute type>";
        break;
    }
    return out;
  }

  // Each initializer's data is released from `model` as soon as it is converted, so that a large
  // network is never held twice (VGG-16's 138 M weights are 553 MB in the file). `split`: the
  // initializers' raw data taken out of the model before it was parsed, held by `owner`.
  Graph read(onnx::ModelProto& model, const SplitModel* split = nullptr,
             const std::shared_ptr<const void>& owner = nullptr, bool mapped = false) const {
    Graph g;
    g.path = path_;
    if (!model.has_graph()) fail("not a valid ONNX model (no graph)");
    for (const auto& o : model.opset_import())
      if (o.domain().empty() || o.domain() == "ai.onnx") g.opset = static_cast<int>(o.version());
    onnx::GraphProto& gp = *model.mutable_graph();
    g.name = gp.name();

    std::map<std::string, std::string> written;  // tensor -> what wrote it
    auto define = [&](const std::string& name, const std::string& by) {
      auto [it, fresh] = written.emplace(name, by);
      if (!fresh) fail("tensor '" + name + "' is written twice: by " + it->second + " and by " + by);
    };
    std::size_t k = 0;
    for (auto& t : *gp.mutable_initializer()) {
      define(t.name(), "initializer '" + t.name() + "'");
      std::optional<InPlace> in_place;
      if (split && k < split->taken.size() && split->taken[k]) in_place = InPlace{split->raw[k], owner, mapped};
      ++k;
      // mutable_raw_data() would mark raw data present: only asked for when it is.
      g.initializers.emplace(t.name(), tensor(t, "initializer", t.has_raw_data() ? t.mutable_raw_data() : nullptr,
                                              in_place ? &*in_place : nullptr));
      onnx::TensorProto released;
      released.set_name(t.name());
      released.Swap(&t);  // the converted data goes with `released`; the name stays for messages
    }
    std::set<std::string> declared;
    for (const auto& in : gp.input()) {
      if (!declared.insert(in.name()).second) fail("graph input '" + in.name() + "' is declared twice");
      if (g.initializers.count(in.name())) continue;  // an initializer with a default (IR < 4)
      define(in.name(), "graph input '" + in.name() + "'");
      GraphInput gi;
      gi.name = in.name();
      const auto& tt = in.type().tensor_type();
      gi.dtype = tt.elem_type();
      for (const auto& d : tt.shape().dim()) {
        gi.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
        gi.dim_names.push_back(d.has_dim_param() ? d.dim_param() : "");
      }
      g.inputs.push_back(std::move(gi));
    }
    int index = 0;
    for (auto& np : *gp.mutable_node()) {
      Node n;
      n.index = index++;
      n.op = np.op_type();
      n.domain = np.domain() == "ai.onnx" ? "" : np.domain();
      n.name = !np.name().empty() ? np.name() : np.output_size() > 0 && !np.output(0).empty() ? np.output(0)
                                                                                               : "#" + std::to_string(n.index);
      const std::string text = "node '" + n.name + "' (" + n.op + ")";
      for (const auto& i : np.input()) {
        if (!i.empty() && !written.count(i))
          fail(text + ": input '" + i + "' is not an initializer, a graph input or the output of an earlier node");
        n.inputs.push_back(i);
      }
      if (np.output_size() == 0) fail(text + ": has no output");
      for (const auto& o : np.output()) {
        if (!o.empty()) define(o, text);
        n.outputs.push_back(o);
      }
      for (auto& a : *np.mutable_attribute()) {
        if (n.attributes.count(a.name())) fail(text + ": attribute '" + a.name() + "' is given twice");
        if (n.op == "Constant" && n.domain.empty() && a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR) {
          onnx::TensorProto& t = *a.mutable_t();
          n.value = std::make_shared<Tensor>(tensor(t, "attribute 'value' of node '" + n.name + "':",
                                                    t.has_raw_data() ? t.mutable_raw_data() : nullptr));
          models::Attribute value;
          value.kind = models::Attribute::Kind::Tensor;
          value.tensor_dims = n.value->dims;
          value.tensor_type = n.value->dtype;
          n.attributes.emplace(a.name(), std::move(value));
          continue;
        }
        n.attributes.emplace(a.name(), attribute(a, n.name));
      }
      g.nodes.push_back(std::move(n));
    }
    for (const auto& o : gp.output()) {
      if (!written.count(o.name())) fail("graph output '" + o.name() + "' is not computed by any node");
      g.outputs.push_back(o.name());
    }
    if (g.outputs.empty()) fail("the graph has no output");
    return g;
  }

 private:
  std::string path_;
};

}  // namespace

namespace {

// Parses `bytes` (held by `owner`) with the large raw data left in place where the wire format
// lets it be found, else whole.
Graph parse_in_place(std::string_view bytes, const std::shared_ptr<const void>& owner, bool mapped,
                     const std::string& path) {
  const auto unparsable = [&] { return InputError(path + ": error: not a valid ONNX model (the protobuf does not parse)"); };
  onnx::ModelProto model;
  SplitModel split;
  if (split_initializer_data(bytes, kInPlaceRawBytes, split)) {
    if (!model.ParseFromString(split.rest)) throw unparsable();
    return Reader(path).read(model, &split, owner, mapped);
  }
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw unparsable();
  return Reader(path).read(model);
}

}  // namespace

Graph parse_graph(const std::string& bytes, const std::string& path) {
  auto held = std::make_shared<const std::string>(bytes);
  return parse_in_place(*held, held, false, path);
}

Graph read_graph(const std::string& path) {
  if (const auto file = util::MappedFile::open(path)) return parse_in_place(file->bytes(), file, true, path);
  // Not a file that maps (empty, or not a regular file): read as a stream.
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": error: cannot open file");
  // Parsed from the stream: the file's bytes are never held whole beside the parsed model.
  onnx::ModelProto model;
  const bool parsed = model.ParseFromIstream(&in);
  if (in.bad()) throw InputError(path + ": error: cannot read file");
  if (!parsed) throw InputError(path + ": error: not a valid ONNX model (the protobuf does not parse)");
  return Reader(path).read(model);
}

}  // namespace cimsim::workload::onnx_import
