#include "sim/workload/dataset.hpp"

#include <cmath>

#include "sim/config/error.hpp"
#include "sim/util/npy.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::workload {

using config::InputError;

Dataset load_dataset(const std::string& inputs_path, const std::string& labels_path, std::int64_t limit) {
  const npy::Array x = npy::load(inputs_path);
  if (x.shape.size() < 2)
    throw InputError(inputs_path + ": error: inputs must have a sample axis first, got shape " + x.shape_text());
  Dataset d;
  d.sample_shape.assign(x.shape.begin() + 1, x.shape.end());
  const std::int64_t n_all = x.shape[0];
  const std::int64_t n = limit > 0 ? std::min(limit, n_all) : n_all;
  const std::int64_t features = element_count(d.sample_shape);
  d.inputs.resize(features, n);
  for (std::int64_t s = 0; s < n; ++s)
    for (std::int64_t f = 0; f < features; ++f) {
      const double v = x.values[static_cast<std::size_t>(s * features + f)];
      if (!std::isfinite(v))
        throw InputError(inputs_path + ": error: sample " + std::to_string(s) + " holds a non-finite value");
      d.inputs(f, s) = static_cast<float>(v);
    }
  if (!labels_path.empty()) {
    const npy::Array y = npy::load(labels_path);
    if (y.shape.size() != 1)
      throw InputError(labels_path + ": error: labels must be one-dimensional, got shape " + y.shape_text());
    if (!y.integral)
      throw InputError(labels_path + ": error: labels must be integers, got dtype " + y.dtype);
    if (y.shape[0] != n_all)
      throw InputError(labels_path + ": error: " + std::to_string(y.shape[0]) + " labels for " +
                       std::to_string(n_all) + " samples in " + inputs_path);
    d.labels.resize(static_cast<std::size_t>(n));
    for (std::int64_t s = 0; s < n; ++s) d.labels[s] = static_cast<std::int64_t>(y.values[s]);
  }
  return d;
}

Dataset synthetic_dataset(const Shape& sample_shape, std::int64_t samples, std::uint64_t seed) {
  Dataset d;
  d.sample_shape = sample_shape;
  const std::int64_t features = element_count(sample_shape);
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

void check_against(const Dataset& d, const Network& net, const std::string& inputs_path) {
  const std::string takes = "network '" + net.name + "' (" + net.source + ") takes " + shape_text(net.input_shape);
  if (element_count(d.sample_shape) != element_count(net.input_shape))
    throw InputError(inputs_path + ": error: samples have shape " + shape_text(d.sample_shape) + " but " + takes);
  // The same size is not enough: (height, width, channels) data fed to a (channels, height, width)
  // network runs and gives nonsense. Shapes must agree but for axes of size 1, or the samples be
  // flat vectors.
  const Shape have = without_unit_axes(d.sample_shape), want = without_unit_axes(net.input_shape);
  if (have == want || have.size() <= 1) return;
  std::string hint;
  if (want.size() == 3 && have == Shape{want[1], want[2], want[0]})
    hint = "; the samples look channels-last: give them channels first (numpy: x.transpose(0, 3, 1, 2))";
  throw InputError(inputs_path + ": error: samples have shape " + shape_text(d.sample_shape) + " but " + takes +
                   " (same size, other layout)" + hint);
}

}  // namespace cimsim::workload
