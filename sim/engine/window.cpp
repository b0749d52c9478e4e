#include "sim/engine/window.hpp"

#include <algorithm>

namespace cimsim::engine {

namespace {

// Last input coordinate (clipped to the map) a window starting at output position o reaches.
std::int64_t last_input(std::int64_t o, int stride, int pad, int kernel, int dilation, int size) {
  const std::int64_t v = o * stride - pad + static_cast<std::int64_t>(kernel - 1) * dilation;
  return std::clamp<std::int64_t>(v, 0, size - 1);
}

std::int64_t first_input(std::int64_t o, int stride, int pad, int size) {
  return std::clamp<std::int64_t>(o * stride - pad, 0, size - 1);
}

}  // namespace

std::int64_t Window::need(std::int64_t j) const {
  if (!spatial) return std::min(producer_units, ((j + 1) * producer_units + consumer_units - 1) / consumer_units);
  const std::int64_t oy = j / g.out_w, ox = j % g.out_w;
  const std::int64_t y = last_input(oy, g.stride_h, g.pad_h, g.kernel_h, g.dilation_h, g.in_h);
  const std::int64_t x = last_input(ox, g.stride_w, g.pad_w, g.kernel_w, g.dilation_w, g.in_w);
  return y * g.in_w + x + 1;
}

std::int64_t Window::first(std::int64_t j) const {
  if (j >= consumer_units) return producer_units;
  if (!spatial) return (j * producer_units) / consumer_units;
  const std::int64_t oy = j / g.out_w, ox = j % g.out_w;
  return first_input(oy, g.stride_h, g.pad_h, g.in_h) * g.in_w + first_input(ox, g.stride_w, g.pad_w, g.in_w);
}

std::int64_t Window::span() const {
  std::int64_t most = 1;
  for (std::int64_t j = 0; j < consumer_units; ++j) most = std::max(most, need(j) - first(j));
  return most;
}

Window window_for(const mapping::LayerMap& lm, std::int64_t consumer_units, std::int64_t producer_units) {
  Window w;
  w.producer_units = std::max<std::int64_t>(1, producer_units);
  w.consumer_units = std::max<std::int64_t>(1, consumer_units);
  const mapping::ConvGeometry& g = lm.conv;
  w.spatial = g.kernel_h > 0 && g.kernel_w > 0 && g.out_w > 0 &&
              static_cast<std::int64_t>(g.in_h) * g.in_w == w.producer_units &&
              static_cast<std::int64_t>(g.out_h) * g.out_w == w.consumer_units;
  if (w.spatial) w.g = g;
  return w;
}

}  // namespace cimsim::engine
