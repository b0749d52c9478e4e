#include "sim/workload/dataset.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/config/error.hpp"
#include "sim/util/checked.hpp"
#include "sim/util/memory.hpp"
#include "sim/util/npy.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::workload {

using config::InputError;

InputsHeader inspect_inputs(const std::string& inputs_path) {
  const npy::Header h = npy::read_header(inputs_path);
  if (h.shape.size() < 2)
    throw InputError(inputs_path + ": error: inputs must have a sample axis first, got shape " + h.shape_text());
  InputsHeader out;
  out.sample_shape.assign(h.shape.begin() + 1, h.shape.end());
  out.samples = h.shape[0];
  out.item_bytes = h.width;
  if (out.samples == 0) throw InputError(inputs_path + ": error: holds no samples (shape " + h.shape_text() + ")");
  if (element_count(out.sample_shape) == 0)
    throw InputError(inputs_path + ": error: samples of shape " + shape_text(out.sample_shape) + " hold no values");
  return out;
}

void check_labels(const std::string& labels_path, std::int64_t samples, const std::string& inputs_path,
                  std::int64_t classes) {
  const npy::Header h = npy::read_header(labels_path);
  if (h.shape.size() != 1)
    throw InputError(labels_path + ": error: labels must be one-dimensional, got shape " + h.shape_text());
  if (h.kind == 'f')
    throw InputError(labels_path + ": error: labels must be integers, got dtype " + h.dtype);
  if (h.shape[0] != samples)
    throw InputError(labels_path + ": error: " + std::to_string(h.shape[0]) + " labels for " +
                     std::to_string(samples) + " samples in " + inputs_path);
  // Without a class count, labels must still be class numbers: not negative, and exact as doubles.
  const double end = classes > 0 ? static_cast<double>(classes) : 9007199254740992.0;  // 2^53
  const std::string range = classes > 0 ? "the network has " + std::to_string(classes) +
                                              " outputs, so labels must lie in [0, " + std::to_string(classes) + ")"
                                        : "labels are class numbers, 0 or more";
  const npy::Array y = npy::load(labels_path);
  for (std::size_t i = 0; i < y.values.size(); ++i)
    if (y.values[i] < 0 || y.values[i] >= end)
      throw InputError(labels_path + ": error: label at index " + std::to_string(i) + " is " +
                       fmt::format("{}", y.values[i]) + "; " + range);
}

Dataset load_dataset(const std::string& inputs_path, const std::string& labels_path, std::int64_t limit,
                     std::int64_t classes) {
  const InputsHeader head = inspect_inputs(inputs_path);
  if (limit > head.samples)
    throw InputError(inputs_path + ": error: " + std::to_string(limit) + " samples asked for, the file holds " +
                     std::to_string(head.samples));
  if (!labels_path.empty()) check_labels(labels_path, head.samples, inputs_path, classes);
  const std::int64_t n = limit > 0 ? limit : head.samples;
  const std::int64_t features = element_count(head.sample_shape);
  // The file's values, their doubles and the float matrix, all at once at the peak.
  const std::string memory =
      util::memory_problem(static_cast<double>(features) * static_cast<double>(n) * (head.item_bytes + 8 + 4));
  if (!memory.empty())
    throw InputError(inputs_path + ": error: " + std::to_string(n) + " samples of shape " +
                     shape_text(head.sample_shape) + ": " + memory);
  const npy::Array x = npy::load(inputs_path, n);
  const std::string bad = npy::non_finite(x);
  if (!bad.empty()) throw InputError(inputs_path + ": error: " + bad + "; inputs must be finite numbers");
  Dataset d;
  d.sample_shape = head.sample_shape;
  d.inputs = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>>(x.values.data(), features, n)
                 .cast<float>();
  if (!labels_path.empty()) {
    const npy::Array y = npy::load(labels_path, n);
    d.labels.resize(static_cast<std::size_t>(n));
    for (std::int64_t s = 0; s < n; ++s) d.labels[static_cast<std::size_t>(s)] = static_cast<std::int64_t>(y.values[s]);
  }
  return d;
}

Dataset synthetic_dataset(const Shape& sample_shape, std::int64_t samples, std::uint64_t seed) {
  Dataset d;
  d.sample_shape = sample_shape;
  const std::int64_t features = element_count(sample_shape);
  const auto values = util::checked_mul(features, samples);
  const std::string memory = values ? util::memory_problem(static_cast<double>(*values) * 4) : "overflows 64 bits";
  if (!memory.empty())
    throw InputError("workload.synthetic_samples: error: " + std::to_string(samples) + " samples of shape " +
                     shape_text(sample_shape) + ": " + memory);
  d.inputs.resize(features, samples);
  const rng::Stream stream(seed, rng::Purpose::Inputs, {});
  for (std::int64_t i = 0; i < d.inputs.size(); ++i)
    d.inputs.data()[i] = static_cast<float>(stream.uniform(static_cast<std::uint64_t>(i)));
  return d;
}

namespace {

Shape without_unit_axes(const Shape& s) {
  Shape out;
  for (auto d : s)
    if (d != 1) out.push_back(d);
  return out;
}

}  // namespace

void check_against(const Shape& sample_shape, const Network& net, const std::string& inputs_path) {
  const std::string takes = "network '" + net.name + "' (" + net.source + ") takes " + shape_text(net.input_shape);
  if (element_count(sample_shape) != element_count(net.input_shape))
    throw InputError(inputs_path + ": error: samples have shape " + shape_text(sample_shape) + " but " + takes);
  // The same size is not enough: (height, width, channels) data fed to a (channels, height, width)
  // network runs and gives nonsense. Shapes must agree but for axes of size 1, or the samples be
  // flat vectors.
  const Shape have = without_unit_axes(sample_shape), want = without_unit_axes(net.input_shape);
  if (have == want || have.size() <= 1) return;
  std::string hint;
  if (want.size() == 3 && have == Shape{want[1], want[2], want[0]})
    hint = "; the samples look channels-last: give them channels first (numpy: x.transpose(0, 3, 1, 2))";
  throw InputError(inputs_path + ": error: samples have shape " + shape_text(sample_shape) + " but " + takes +
                   " (same size, other layout)" + hint);
}

void check_against(const Dataset& d, const Network& net, const std::string& inputs_path) {
  check_against(d.sample_shape, net, inputs_path);
}

std::int64_t network_outputs(const Network& net) {
  return element_count(net.layers.empty() ? net.input_shape : net.layers.back().out_shape);
}

}  // namespace cimsim::workload
