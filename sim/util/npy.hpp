#pragma once
// Reading and writing NumPy .npy files (format versions 1–3), the exchange format for weights,
// inputs and labels. Any numeric dtype, either byte order, C or Fortran order.

#include <cstdint>
#include <string>
#include <vector>

namespace cimsim::npy {

struct Array {
  std::vector<std::int64_t> shape;
  std::string dtype;           // as written in the file, e.g. "<f4"
  std::vector<double> values;  // row-major (C order), converted to double
  bool integral = false;       // the file held integers or booleans

  std::int64_t size() const;
  std::string shape_text() const;  // "(360, 64)"
};

// Throws config::InputError naming the file and what is wrong with it.
Array load(const std::string& path);

void save_f32(const std::string& path, const std::vector<std::int64_t>& shape, const std::vector<float>& data);
void save_i64(const std::string& path, const std::vector<std::int64_t>& shape,
              const std::vector<std::int64_t>& data);

}  // namespace cimsim::npy
