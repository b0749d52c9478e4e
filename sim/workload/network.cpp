#include "sim/workload/network.hpp"

namespace cimsim::workload {

std::int64_t element_count(const Shape& s) {
  std::int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

const char* op_name(Op op) {
  switch (op) {
    case Op::Dense: return "dense";
  }
  return "?";
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
  }
  return "?";
}

std::int64_t Network::macs_per_sample() const {
  std::int64_t n = 0;
  for (const auto& l : layers)
    if (l.is_matrix()) n += l.macs_per_sample();
  return n;
}

std::vector<int> Network::matrix_layers() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (layers[i].is_matrix()) out.push_back(static_cast<int>(i));
  return out;
}

}  // namespace cimsim::workload
