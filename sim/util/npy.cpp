#include "sim/util/npy.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "sim/config/error.hpp"
#include "sim/util/atomic_file.hpp"

namespace cimsim::npy {

using config::InputError;

std::int64_t Array::size() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string Array::shape_text() const {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw InputError(path + ": error: not a valid .npy file: " + what);
}

template <class T>
double read_as(const unsigned char* p, bool swap) {
  unsigned char buf[sizeof(T)];
  std::memcpy(buf, p, sizeof(T));
  if (swap) std::reverse(buf, buf + sizeof(T));
  T v;
  std::memcpy(&v, buf, sizeof(T));
  return static_cast<double>(v);
}

}  // namespace

Array load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": error: cannot open file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) bad(path, "missing the \\x93NUMPY magic");
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) bad(path, "truncated header");
    header_len = 0;
    for (int i = 0; i < 4; ++i) header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    bad(path, "unsupported format version " + std::to_string(major));
  }
  if (offset + header_len > bytes.size()) bad(path, "truncated header");
  const std::string header = bytes.substr(offset, header_len);

  std::smatch m;
  Array a;
  if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')"))) bad(path, "no 'descr' in header");
  a.dtype = m[1];
  bool fortran = false;
  if (std::regex_search(header, m, std::regex(R"('fortran_order'\s*:\s*(True|False))")))
    fortran = m[1] == "True";
  if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))"))) bad(path, "no 'shape' in header");
  {
    std::stringstream ss(m[1].str());
    std::string item;
    while (std::getline(ss, item, ',')) {
      item.erase(std::remove_if(item.begin(), item.end(), ::isspace), item.end());
      if (item.empty()) continue;
      try {
        a.shape.push_back(std::stoll(item));
      } catch (...) {
        bad(path, "bad shape entry '" + item + "'");
      }
      if (a.shape.back() < 0) bad(path, "negative dimension");
    }
  }

  if (a.dtype.size() < 3) bad(path, "unsupported dtype '" + a.dtype + "'");
  const char order = a.dtype[0];
  const char kind = a.dtype[1];
  const int width = std::atoi(a.dtype.c_str() + 2);
  const bool little_host = [] {
    const std::uint16_t one = 1;
    unsigned char b;
    std::memcpy(&b, &one, 1);
    return b == 1;
  }();
  const bool swap = (order == '<' && !little_host) || (order == '>' && little_host);

  using Reader = double (*)(const unsigned char*, bool);
  Reader reader = nullptr;
  a.integral = kind != 'f';
  switch (kind) {
    case 'f':
      if (width == 4) reader = read_as<float>;
      else if (width == 8) reader = read_as<double>;
      break;
    case 'i':
      if (width == 1) reader = read_as<std::int8_t>;
      else if (width == 2) reader = read_as<std::int16_t>;
      else if (width == 4) reader = read_as<std::int32_t>;
      else if (width == 8) reader = read_as<std::int64_t>;
      break;
    case 'u':
      if (width == 1) reader = read_as<std::uint8_t>;
      else if (width == 2) reader = read_as<std::uint16_t>;
      else if (width == 4) reader = read_as<std::uint32_t>;
      else if (width == 8) reader = read_as<std::uint64_t>;
      break;
    case 'b':
      if (width == 1) reader = read_as<std::uint8_t>;
      break;
    default: break;
  }
  if (!reader) bad(path, "unsupported dtype '" + a.dtype + "' (numeric types only)");

  const std::int64_t n = a.size();
  const std::size_t data_offset = offset + header_len;
  if (bytes.size() - data_offset < static_cast<std::size_t>(n) * width)
    bad(path, "data shorter than the header's shape " + a.shape_text() + " needs");
  a.values.resize(static_cast<std::size_t>(n));
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + data_offset;
  for (std::int64_t i = 0; i < n; ++i) a.values[i] = reader(p + i * width, swap);

  if (fortran && a.shape.size() > 1) {
    // Reorder column-major data into row-major.
    std::vector<double> c(a.values.size());
    const std::size_t rank = a.shape.size();
    std::vector<std::int64_t> idx(rank, 0);
    for (std::int64_t f = 0; f < n; ++f) {
      std::int64_t rem = f;
      for (std::size_t d = 0; d < rank; ++d) {
        idx[d] = rem % a.shape[d];
        rem /= a.shape[d];
      }
      std::int64_t ci = 0;
      for (std::size_t d = 0; d < rank; ++d) ci = ci * a.shape[d] + idx[d];
      c[ci] = a.values[f];
    }
    a.values.swap(c);
  }
  return a;
}

namespace {

std::string header_for(const std::string& descr, const std::vector<std::int64_t>& shape) {
  std::string s = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  s += "), }";
  const std::size_t total = 10 + s.size() + 1;
  s += std::string((64 - total % 64) % 64, ' ') + "\n";
  return s;
}

template <class T>
void save(const std::string& path, const std::string& descr, const std::vector<std::int64_t>& shape,
          const std::vector<T>& data) {
  const std::string h = header_for(descr, shape);
  std::string out = "\x93NUMPY";
  out += static_cast<char>(1);
  out += static_cast<char>(0);
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>((h.size() >> 8) & 0xff);
  out += h;
  out.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(T));
  util::write_file_atomically(path, out);
}

}  // namespace

void save_f32(const std::string& path, const std::vector<std::int64_t>& shape, const std::vector<float>& data) {
  save(path, "<f4", shape, data);
}

void save_i64(const std::string& path, const std::vector<std::int64_t>& shape,
              const std::vector<std::int64_t>& data) {
  save(path, "<i8", shape, data);
}

}  // namespace cimsim::npy
