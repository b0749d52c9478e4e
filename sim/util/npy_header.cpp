#include "sim/util/npy_header.hpp"

#include <cctype>

#include "sim/config/error.hpp"
#include "sim/util/checked.hpp"

namespace cimsim::npy::detail {

namespace {

// NumPy itself refuses headers over 10000 bytes unless told otherwise; this leaves room.
constexpr std::uint64_t kMaxHeaderBytes = 1 << 20;

// A cursor over the header text that never looks past its end.
class Cursor {
 public:
  Cursor(const std::string& text, const std::string& origin) : text_(text), origin_(origin) {}

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool take(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c, const std::string& where) {
    if (!take(c)) fail(std::string("expected '") + c + "' " + where);
  }
  [[noreturn]] void fail(const std::string& what) const {
    bad(origin_, "cannot parse the header dict at character " + std::to_string(pos_ + 1) + ": " + what);
  }

  // A Python string literal in single or double quotes, without escapes.
  std::string string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const std::size_t start = ++pos_;
    while (!at_end() && text_[pos_] != quote) {
      if (text_[pos_] == '\\') fail("escapes in strings are not supported");
      ++pos_;
    }
    if (at_end()) fail("unterminated string");
    return text_.substr(start, pos_++ - start);
  }

  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair<const char*, bool>{"True", true}, {"False", false}}) {
      const std::string w = word;
      if (text_.compare(pos_, w.size(), w) == 0) {
        pos_ += w.size();
        return value;
      }
    }
    fail("expected True or False");
  }

  // A tuple of non-negative integers: (), (3,), (2, 3), with an optional trailing comma.
  std::vector<std::int64_t> tuple() {
    expect('(', "to open the shape tuple");
    std::vector<std::int64_t> out;
    while (true) {
      skip_space();
      if (take(')')) return out;  // () or a trailing comma
      out.push_back(integer());
      if (take(')')) return out;
      if (!take(',')) fail("expected ',' or ')' in the shape tuple");
    }
  }

  std::int64_t integer() {
    skip_space();
    if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a non-negative integer in the shape");
    std::int64_t v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      const auto next = util::checked_mul(v, 10);
      const auto sum = next ? util::checked_add(*next, text_[pos_] - '0') : std::nullopt;
      if (!sum) fail("a dimension does not fit in 64 bits");
      v = *sum;
      ++pos_;
    }
    if (peek() == 'L') ++pos_;  // Python 2 wrote long integers so
    return v;
  }

 private:
  const std::string& text_;
  const std::string& origin_;
  std::size_t pos_ = 0;
};

// The item width of a dtype NumPy writes for a number: [<>|=][fiub]<width>, nothing more.
void parse_dtype(Header& h, const std::string& origin) {
  const std::string& d = h.dtype;
  auto unsupported = [&]() { bad(origin, "unsupported dtype '" + d + "' (numeric types only: f4, f8, i1-i8, u1-u8, b1)"); };
  if (d.size() < 3 || d.size() > 4 || std::string("<>|=").find(d[0]) == std::string::npos) unsupported();
  h.kind = d[1];
  for (std::size_t i = 2; i < d.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) unsupported();
  h.width = std::stoi(d.substr(2));
  const bool ok = (h.kind == 'f' && (h.width == 4 || h.width == 8)) ||
                  ((h.kind == 'i' || h.kind == 'u') && (h.width == 1 || h.width == 2 || h.width == 4 || h.width == 8)) ||
                  (h.kind == 'b' && h.width == 1);
  if (!ok) unsupported();
}

}  // namespace

void bad(const std::string& origin, const std::string& what) {
  throw config::InputError(origin + ": error: not a valid .npy file: " + what);
}

std::uint64_t header_end(const std::string& first, const std::string& origin) {
  if (first.size() < 10 || first.compare(0, 6, "\x93NUMPY") != 0) bad(origin, "missing the \\x93NUMPY magic");
  const int major = static_cast<unsigned char>(first[6]);
  std::uint64_t len = 0, offset = 0;
  if (major == 1) {
    len = static_cast<unsigned char>(first[8]) | (static_cast<std::uint64_t>(static_cast<unsigned char>(first[9])) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (first.size() < 12) bad(origin, "truncated header");
    for (int i = 0; i < 4; ++i) len |= static_cast<std::uint64_t>(static_cast<unsigned char>(first[8 + i])) << (8 * i);
    offset = 12;
  } else {
    bad(origin, "unsupported format version " + std::to_string(major));
  }
  if (len > kMaxHeaderBytes)
    bad(origin, "the header is " + std::to_string(len) + " bytes long; more than " + std::to_string(kMaxHeaderBytes) +
                    " is not a header NumPy writes");
  return offset + len;
}

Header parse_header(const std::string& start, std::uint64_t file_size, const std::string& origin) {
  const std::uint64_t end = header_end(start, origin);
  if (end > start.size() || end > file_size) bad(origin, "truncated header");
  const std::uint64_t offset = static_cast<unsigned char>(start[6]) == 1 ? 10 : 12;
  const std::string text = start.substr(offset, end - offset);
  Header h;
  Cursor c(text, origin);
  bool have_descr = false, have_order = false, have_shape = false;
  c.expect('{', "at the start");
  while (!c.take('}')) {
    const std::string key = c.string();
    c.expect(':', "after '" + key + "'");
    bool* seen = nullptr;
    if (key == "descr") {
      h.dtype = c.string();
      seen = &have_descr;
    } else if (key == "fortran_order") {
      h.fortran = c.boolean();
      seen = &have_order;
    } else if (key == "shape") {
      h.shape = c.tuple();
      seen = &have_shape;
    } else {
      c.fail("unknown key '" + key + "' (a .npy header holds descr, fortran_order and shape)");
    }
    if (*seen) c.fail("key '" + key + "' appears twice");
    *seen = true;
    if (c.take('}')) break;
    c.expect(',', "or '}' after the value of '" + key + "'");
  }
  c.skip_space();
  if (!c.at_end()) c.fail("text after the closing '}'");
  if (!have_descr || !have_order || !have_shape)
    bad(origin, std::string("the header dict lacks '") + (!have_descr ? "descr" : !have_order ? "fortran_order" : "shape") + "'");
  parse_dtype(h, origin);

  const auto elements = util::checked_product(h.shape);
  if (!elements) bad(origin, "shape " + h.shape_text() + " holds more elements than 64 bits count");
  const auto bytes = util::checked_mul(*elements, h.width);
  if (!bytes) bad(origin, "shape " + h.shape_text() + " of " + h.dtype + " needs more bytes than 64 bits count");
  h.elements = *elements;
  h.data_offset = end;
  h.data_bytes = static_cast<std::uint64_t>(*bytes);
  const std::uint64_t have = file_size - end;
  if (have < h.data_bytes)
    bad(origin, "data shorter than the header's shape " + h.shape_text() + " needs (" + std::to_string(h.data_bytes) +
                    " bytes, the file has " + std::to_string(have) + ")");
  if (have > h.data_bytes)
    bad(origin, std::to_string(have - h.data_bytes) + " trailing bytes after the " + std::to_string(h.data_bytes) +
                    " bytes of data the header's shape " + h.shape_text() + " needs");
  return h;
}

}  // namespace cimsim::npy::detail
