#pragma once
// Which of its producer's output units a consumer's unit needs. Units are what layers move: one
// output pixel of a convolution or pooling (all its channels), one input vector of a dense layer,
// or a whole tensor when a layer has no spatial structure. Within one sample, producer units
// arrive in raster order, so "needs units [0, need)" says everything.
//
// spatial: the consumer is a convolution or pooling whose window slides over the producer's
//   feature map; output pixel (oy, ox) needs input rows up to oy·s − p + (k−1)·d (clipped) and,
//   in the last of them, columns up to ox·s − p + (k−1)·d.
// proportional: anything else; consumer unit j needs ⌈(j+1)·U_p / U_c⌉ units (one to one for an
//   element-wise layer, all of them for a layer with one unit).

#include <cstdint>

#include "sim/mapping/mapping.hpp"

namespace cimsim::engine {

struct Window {
  bool spatial = false;
  std::int64_t producer_units = 1, consumer_units = 1;  // per sample
  mapping::ConvGeometry g;                              // spatial only

  // Units [0, need(j)) of the sample must have arrived before consumer unit j can start.
  std::int64_t need(std::int64_t j) const;
  // Units before first(j) are needed by neither j nor any later unit of the sample.
  std::int64_t first(std::int64_t j) const;
  // The most units one consumer unit holds at once: max over j of need(j) − first(j).
  std::int64_t span() const;
};

// The window for consumer `lm` reading a producer with `producer_units` units per sample.
Window window_for(const mapping::LayerMap& lm, std::int64_t consumer_units, std::int64_t producer_units);

}  // namespace cimsim::engine
