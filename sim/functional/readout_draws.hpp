#pragma once
// The read-noise draws of one array's readouts in a read of a chunk's vectors. The engine wants them
// a readout and a slice at a time, each range as long as the chunk (24 to a few hundred vectors),
// and the vector generator left most of its lanes idle on ranges that short. Here every slice of
// every readout of a window of conversion groups is drawn in one call (rng::Stream's many-range
// normals_fast); the values are those of one call per (readout, slice).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/mapping/conversion_groups.hpp"
#include "sim/util/cache_line.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::functional {

class ReadoutDraws {
 public:
  // A new array (or stream): its conversion groups, each readout with `slices` ranges of `count`
  // draws. The groups must outlive the calls to of().
  void reset(const mapping::ConversionGroups& groups, int slices, std::size_t count) {
    groups_ = &groups;
    slices_ = slices;
    count_ = count;
    stride_ = util::cache_line_stride<float>(count);
    lo_ = hi_ = 0;
  }

  // The `count` draws of readout j of group k for `slice`: elements index(slice, readout) onwards
  // of `stream`. Valid until a call for a group outside the current window.
  template <class DrawIndex>
  const float* of(const rng::Stream& stream, const DrawIndex& index, std::size_t k, std::size_t j, int slice) {
    if (k < lo_ || k >= hi_) fill(stream, index, k);
    const std::size_t readout = first_[k - lo_] + j;
    return z_.data() + (readout * static_cast<std::size_t>(slices_) + static_cast<std::size_t>(slice)) * stride_;
  }

 private:
  // About 16 KB of draws at a time (at least one group): they are used soon after, from the cache.
  static constexpr std::size_t kFloats = 4096;

  template <class DrawIndex>
  void fill(const rng::Stream& stream, const DrawIndex& index, std::size_t from) {
    const std::size_t per_readout = static_cast<std::size_t>(slices_) * stride_;
    lo_ = hi_ = from;
    first_.clear();
    firsts_.clear();
    std::size_t readouts = 0;
    while (hi_ < groups_->size() && (hi_ == lo_ || (readouts + (*groups_)[hi_].size()) * per_readout <= kFloats)) {
      first_.push_back(readouts);
      for (const int r : (*groups_)[hi_]) {
        for (int s = 0; s < slices_; ++s) firsts_.push_back(index(s, static_cast<std::uint64_t>(r)));
        ++readouts;
      }
      ++hi_;
    }
    z_.resize(firsts_.size() * stride_);
    outs_.resize(firsts_.size());
    for (std::size_t i = 0; i < outs_.size(); ++i) outs_[i] = z_.data() + i * stride_;
    stream.normals_fast(firsts_.data(), outs_.data(), firsts_.size(), count_);
  }

  const mapping::ConversionGroups* groups_ = nullptr;
  int slices_ = 0;
  std::size_t count_ = 0, lo_ = 0, hi_ = 0;  // the window: groups lo_ … hi_ − 1
  std::size_t stride_ = 0;                   // count_ rounded up to cache lines: each range starts on one
  std::vector<std::size_t> first_;           // each window group's first readout in z_
  std::vector<std::uint64_t> firsts_;        // each range's first element
  std::vector<float*> outs_;
  util::CacheLineVector<float> z_;
};

}  // namespace cimsim::functional
