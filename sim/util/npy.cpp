#include "sim/util/npy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "sim/config/error.hpp"
#include "sim/util/atomic_file.hpp"
#include "sim/util/memory.hpp"
#include "sim/util/npy_header.hpp"
#include "sim/util/read_file.hpp"

namespace cimsim::npy {

using config::InputError;

std::int64_t Array::size() const { return static_cast<std::int64_t>(values.size()); }

std::string Array::shape_text() const {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

std::string Array::index_text(std::int64_t i) const {
  std::vector<std::int64_t> idx(shape.size(), 0);
  for (std::size_t d = shape.size(); d-- > 0;) {
    if (shape[d] <= 0) break;
    idx[d] = i % shape[d];
    i /= shape[d];
  }
  std::string s = "(";
  for (std::size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
  if (idx.size() == 1) s += ",";
  return s + ")";
}

std::string Header::shape_text() const {
  Array a;
  a.shape = shape;
  return a.shape_text();
}

namespace {

template <class T>
double read_as(const unsigned char* p, bool swap) {
  unsigned char buf[sizeof(T)];
  std::memcpy(buf, p, sizeof(T));
  if (swap) std::reverse(buf, buf + sizeof(T));
  T v;
  std::memcpy(&v, buf, sizeof(T));
  return static_cast<double>(v);
}

using Reader = double (*)(const unsigned char*, bool);

Reader reader_of(const Header& h) {
  switch (h.kind) {
    case 'f': return h.width == 4 ? read_as<float> : read_as<double>;
    case 'i':
      return h.width == 1 ? read_as<std::int8_t> : h.width == 2 ? read_as<std::int16_t>
           : h.width == 4 ? read_as<std::int32_t> : read_as<std::int64_t>;
    case 'u':
      return h.width == 1 ? read_as<std::uint8_t> : h.width == 2 ? read_as<std::uint16_t>
           : h.width == 4 ? read_as<std::uint32_t> : read_as<std::uint64_t>;
    default: return read_as<std::uint8_t>;  // b1
  }
}

bool swapped(const Header& h) {
  const std::uint16_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  const bool little_host = first == 1;
  return (h.dtype[0] == '<' && !little_host) || (h.dtype[0] == '>' && little_host);
}

// How many elements the first `max_rows` rows hold (all of them when negative or Fortran-ordered).
std::int64_t elements_to_read(const Header& h, std::int64_t max_rows) {
  if (max_rows < 0 || h.fortran || h.shape.empty() || max_rows >= h.shape[0]) return h.elements;
  return h.elements / h.shape[0] * max_rows;
}

// The memory the values take is checked before anything is allocated.
void check_memory(const Header& h, std::int64_t count, const std::string& origin) {
  const std::string memory = util::memory_problem(static_cast<double>(count) * (h.width + sizeof(double)));
  if (!memory.empty())
    throw InputError(origin + ": error: reading " + std::to_string(count) + " values of shape " + h.shape_text() + " " +
                     memory);
}

// Converts `count` items at `data` into the array, in C order.
Array convert(const Header& h, const unsigned char* data, std::int64_t count) {
  Array a;
  a.shape = h.shape;
  if (count < h.elements) a.shape[0] = count / (h.elements / h.shape[0]);
  a.dtype = h.dtype;
  a.integral = h.kind != 'f';
  const Reader reader = reader_of(h);
  const bool swap = swapped(h);
  a.values.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) a.values[static_cast<std::size_t>(i)] = reader(data + i * h.width, swap);
  if (h.fortran && a.shape.size() > 1) {
    // Reorder column-major data into row-major.
    std::vector<double> c(a.values.size());
    const std::size_t rank = a.shape.size();
    std::vector<std::int64_t> idx(rank, 0);
    for (std::int64_t f = 0; f < count; ++f) {
      std::int64_t rem = f;
      for (std::size_t d = 0; d < rank; ++d) {
        idx[d] = rem % a.shape[d];
        rem /= a.shape[d];
      }
      std::int64_t ci = 0;
      for (std::size_t d = 0; d < rank; ++d) ci = ci * a.shape[d] + idx[d];
      c[static_cast<std::size_t>(ci)] = a.values[static_cast<std::size_t>(f)];
    }
    a.values.swap(c);
  }
  return a;
}

std::string read_bytes(std::ifstream& in, std::uint64_t offset, std::uint64_t count, const std::string& path) {
  std::string out(static_cast<std::size_t>(count), '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(out.data(), static_cast<std::streamsize>(count));
  if (static_cast<std::uint64_t>(in.gcount()) != count)
    throw config::IoError(path, "cannot read the file", "it ended early or changed while being read");
  return out;
}

// The file opened, its size, and its header.
struct Opened {
  std::ifstream in;
  Header header;
};

Opened open_npy(const std::string& path) {
  const std::string problem = util::input_file_problem(path, UINT64_MAX);
  if (!problem.empty())
    throw InputError(path + ": error: " + (problem == "file not found" ? "cannot open file: file not found" : problem));
  Opened f{std::ifstream(path, std::ios::binary | std::ios::ate), {}};
  if (!f.in) throw InputError(path + ": error: cannot open file");
  const auto size = static_cast<std::uint64_t>(f.in.tellg());
  const std::uint64_t end = detail::header_end(read_bytes(f.in, 0, std::min<std::uint64_t>(size, 12), path), path);
  if (end > size) detail::bad(path, "truncated header");
  f.header = detail::parse_header(read_bytes(f.in, 0, end, path), size, path);
  return f;
}

}  // namespace

Header read_header(const std::string& path) { return open_npy(path).header; }

Array load(const std::string& path, std::int64_t max_rows) {
  Opened f = open_npy(path);
  const Header& h = f.header;
  const std::int64_t count = elements_to_read(h, max_rows);
  check_memory(h, count, path);
  const std::string data = read_bytes(f.in, h.data_offset, static_cast<std::uint64_t>(count) * h.width, path);
  return convert(h, reinterpret_cast<const unsigned char*>(data.data()), count);
}

Array parse(const std::string& bytes, const std::string& origin) {
  const Header h = detail::parse_header(bytes, bytes.size(), origin);
  check_memory(h, h.elements, origin);
  return convert(h, reinterpret_cast<const unsigned char*>(bytes.data()) + h.data_offset, h.elements);
}

std::string non_finite(const Array& a) {
  for (std::size_t i = 0; i < a.values.size(); ++i)
    if (!std::isfinite(a.values[i]))
      return "the value at index " + a.index_text(static_cast<std::int64_t>(i)) + " is " +
             (std::isnan(a.values[i]) ? "NaN" : "infinite");
  return "";
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
