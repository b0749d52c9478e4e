#include "sim/workload/onnx/wire.hpp"

#include <cstdint>

namespace cimsim::workload::onnx_import {

namespace {

// Field numbers of onnx.proto3 that the split follows.
constexpr std::uint32_t kModelGraph = 7;         // ModelProto.graph
constexpr std::uint32_t kGraphInitializer = 5;   // GraphProto.initializer
constexpr std::uint32_t kTensorRawData = 9;      // TensorProto.raw_data

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// A cursor over one message's bytes; every read is bounds-checked.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  std::size_t pos() const { return pos_; }

  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= s_.size()) return false;
      const auto b = static_cast<unsigned char>(s_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }

  // One field: its number, wire type and payload (for length-delimited fields, the bytes inside).
  // [begin, pos()) is the whole field as it was written.
  bool field(std::uint32_t& number, std::uint32_t& type, std::string_view& payload, std::size_t& begin) {
    begin = pos_;
    std::uint64_t tag = 0;
    if (!varint(tag) || tag >> 3 == 0 || tag >> 3 > 0x1fffffff) return false;
    number = static_cast<std::uint32_t>(tag >> 3);
    type = static_cast<std::uint32_t>(tag & 7);
    std::uint64_t v = 0;
    switch (type) {
      case kVarint: return varint(v);
      case kFixed64: return skip(8);
      case kFixed32: return skip(4);
      case kLengthDelimited:
        if (!varint(v) || v > s_.size() - pos_) return false;
        payload = s_.substr(pos_, static_cast<std::size_t>(v));
        pos_ += static_cast<std::size_t>(v);
        return true;
      default: return false;  // groups (deprecated) are left to the parser
    }
  }

  std::string_view slice(std::size_t begin) const { return s_.substr(begin, pos_ - begin); }

 private:
  bool skip(std::size_t n) {
    if (n > s_.size() - pos_) return false;
    pos_ += n;
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_message(std::string& out, std::uint32_t number, const std::string& payload) {
  put_varint(out, (static_cast<std::uint64_t>(number) << 3) | kLengthDelimited);
  put_varint(out, payload.size());
  out += payload;
}

// What an edit does with one field of a message being copied.
enum class Edit { Keep, Replaced, Fail };

// Copies `message` into `out` field by field: `edit(number, type, payload, out)` either writes the
// field's replacement into `out` itself (Replaced; nothing, to drop it), leaves it to be copied as
// written (Keep), or gives up (Fail). False when a field cannot be read or the edit gives up.
template <class EditField>
bool copy_fields(std::string_view message, std::string& out, EditField edit) {
  Cursor c(message);
  while (!c.done()) {
    std::uint32_t number = 0, type = 0;
    std::string_view payload;
    std::size_t begin = 0;
    if (!c.field(number, type, payload, begin)) return false;
    const Edit e = edit(number, type, payload, out);
    if (e == Edit::Fail) return false;
    if (e == Edit::Keep) out += c.slice(begin);
  }
  return true;
}

// A TensorProto without its raw_data when that holds at least `min_bytes`; `raw` gets those bytes.
bool split_tensor(std::string_view tensor, std::size_t min_bytes, std::string& out, std::string_view& raw, bool& taken) {
  int raw_fields = 0;
  taken = false;
  return copy_fields(tensor, out, [&](std::uint32_t number, std::uint32_t type, std::string_view payload, std::string&) {
    if (number != kTensorRawData || type != kLengthDelimited) return Edit::Keep;
    if (++raw_fields > 1) return Edit::Fail;  // with two, the parser keeps the last: not worth following
    if (payload.size() < min_bytes) return Edit::Keep;
    raw = payload;
    taken = true;
    return Edit::Replaced;  // dropped
  });
}

bool split_graph(std::string_view graph, std::size_t min_bytes, std::string& out, SplitModel& split) {
  return copy_fields(graph, out, [&](std::uint32_t number, std::uint32_t type, std::string_view payload, std::string& to) {
    if (number != kGraphInitializer || type != kLengthDelimited) return Edit::Keep;
    std::string tensor;
    std::string_view raw;
    bool taken = false;
    if (!split_tensor(payload, min_bytes, tensor, raw, taken)) return Edit::Fail;
    split.raw.push_back(raw);
    split.taken.push_back(taken);
    if (!taken) return Edit::Keep;
    put_message(to, number, tensor);
    return Edit::Replaced;
  });
}

}  // namespace

bool split_initializer_data(std::string_view model, std::size_t min_bytes, SplitModel& out) {
  out = SplitModel{};
  // Several graph fields merge into one graph, their initializers listed in order: the split
  // keeps counting across them.
  return copy_fields(model, out.rest, [&](std::uint32_t number, std::uint32_t type, std::string_view payload, std::string& to) {
    if (number != kModelGraph || type != kLengthDelimited) return Edit::Keep;
    std::string graph;
    if (!split_graph(payload, min_bytes, graph, out)) return Edit::Fail;
    put_message(to, number, graph);
    return Edit::Replaced;
  });
}

}  // namespace cimsim::workload::onnx_import
