#pragma once
// Reading and writing NumPy .npy files (format versions 1–3), the exchange format for weights,
// inputs and labels. Any numeric dtype, either byte order, C or Fortran order.
//
// Reading trusts nothing in the file: the header dict is parsed by a small non-recursive parser
// that accepts exactly the three keys NumPy writes; the dtype must be one NumPy writes for a
// number; shape × item size is checked for overflow; the file must hold exactly the bytes the
// header promises (no fewer, no trailing ones); and the memory the values take is compared with
// the machine's before anything is allocated. Every problem is config::InputError naming the file.

#include <cstdint>
#include <string>
#include <vector>

namespace cimsim::npy {

// What the header says, read without the data.
struct Header {
  std::vector<std::int64_t> shape;
  std::string dtype;   // as written, e.g. "<f4"
  bool fortran = false;
  char kind = 'f';     // f, i, u or b
  int width = 4;       // bytes per item
  std::int64_t elements = 0;
  std::uint64_t data_offset = 0, data_bytes = 0;

  std::string shape_text() const;  // "(360, 64)"
};

struct Array {
  std::vector<std::int64_t> shape;
  std::string dtype;           // as written in the file, e.g. "<f4"
  std::vector<double> values;  // row-major (C order), converted to double
  bool integral = false;       // the file held integers or booleans

  std::int64_t size() const;
  std::string shape_text() const;  // "(360, 64)"
  // Where the element at flat (C-order) position i sits: "(3, 17)".
  std::string index_text(std::int64_t i) const;
};

// Reads the header and checks that the file holds exactly the data it promises.
Header read_header(const std::string& path);

// Reads the whole array, or only its first `max_rows` entries along the first axis when
// max_rows >= 0 (the shape then says how many were read). Throws config::InputError naming the
// file and what is wrong with it.
Array load(const std::string& path, std::int64_t max_rows = -1);

// The same from bytes in memory; `origin` names them in errors.
Array parse(const std::string& bytes, const std::string& origin);

// "" when every value is finite; otherwise where the first value that is not sits and what it
// is: "the value at index (2, 5) is NaN".
std::string non_finite(const Array& a);

void save_f32(const std::string& path, const std::vector<std::int64_t>& shape, const std::vector<float>& data);
void save_i64(const std::string& path, const std::vector<std::int64_t>& shape,
              const std::vector<std::int64_t>& data);

}  // namespace cimsim::npy
