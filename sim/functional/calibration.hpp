#pragma once
// Calibrated ADC full scales (docs/design.md §4, `adc.full_scale: calibrated`): per (layer, slice group,
// first weight slice of the conversion), the given percentile of |ADC input| over EVERY
// conversion the calibration set makes. The percentile is exact and does not depend on how the set was cut into batches or
// spread over threads: a recorder keeps, per key, only the m largest magnitudes, where m is fixed
// in advance from the number of conversions the mapping implies, and the selected value is the
// smallest of those. Top-m sets merge exactly in any order.

#include <Eigen/Dense>

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "sim/functional/full_scale.hpp"
#include "sim/mapping/mapping.hpp"

namespace cimsim::functional {

using CalibrationKey = std::tuple<int, int, int>;  // (layer map, slice group, first weight slice)

// How many ADC inputs each key sees over the calibration set, and how many of the largest ones
// must be kept to find the percentile.
class CalibrationQuota {
 public:
  CalibrationQuota(const mapping::ChipMap& chip, std::int64_t samples, double percentile);
  std::int64_t conversions(const CalibrationKey& k) const;
  std::int64_t keep(const CalibrationKey& k) const;
  // Bytes the kept values take for one recorder.
  std::int64_t bytes() const;

 private:
  std::map<CalibrationKey, std::int64_t> conversions_, keep_;
};

// ADC inputs seen during calibration. A recorder without a quota keeps nothing (a pass that only
// wants exact conversions, such as drift compensation).
class CalibrationRecorder {
 public:
  explicit CalibrationRecorder(const CalibrationQuota* quota = nullptr) : quota_(quota) {}
  const CalibrationQuota* quota() const { return quota_; }

  void record(const CalibrationKey& key, const double* x, Eigen::Index count);
  void merge(CalibrationRecorder&& o);
  // Starts the floor of each of the layer's keys at o's where that is higher: a value below o's
  // floor cannot be among the largest of a set that o's values will join, so a part of the data
  // whose values will be merged into o need not hold it. The percentile does not depend on when
  // floors rise.
  void raise_floors(const CalibrationRecorder& o, int layer);
  // Keys that have seen every conversion the quota counts keep only their percentile from here on:
  // a pass over the whole calibration set holds one layer's values at a time, not the network's
  // (VGG-16 with 8 images: about 200 MB by its last convolution).
  void settle();
  // The percentile per key; fails (std::logic_error) if the conversions recorded differ from the
  // quota's count, which would mean the quota and the engine disagree on the mapping.
  CalibrationTable table() const;

 private:
  struct Kept {
    std::vector<float> values;
    float floor = 0;  // values below it can no longer be among the largest m
    std::int64_t seen = 0;
    bool settled = false;  // values dropped, `percentile` holds what table() gives
    float percentile = 0;
    std::int64_t m = -1;  // the quota's keep() for the key, once looked up
  };
  // How many of the key's largest values are kept: the quota's keep(), looked up once per key.
  std::size_t quota_of(const CalibrationKey& key, Kept& k) const {
    if (k.m < 0) k.m = quota_->keep(key);
    return static_cast<std::size_t>(k.m);
  }
  // a joins k's values if it is at or above the floor; twice the quota held, they are pruned to m.
  void offer(Kept& k, float a, std::size_t m) const {
    if (a < k.floor) return;
    k.values.push_back(a);
    if (k.values.size() >= 2 * m) prune(k, m);
  }
  // The smallest of the m largest values held (every value was offered): the percentile.
  static float smallest_of_largest(std::vector<float> values, std::size_t m);
  void prune(Kept& k, std::size_t m) const;

  const CalibrationQuota* quota_;
  std::map<CalibrationKey, Kept> kept_;
};

}  // namespace cimsim::functional
