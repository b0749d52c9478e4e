#include "sim/functional/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cimsim::functional {

CalibrationQuota::CalibrationQuota(const mapping::ChipMap& chip, std::int64_t samples, double percentile) {
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    if (!chip.is_matrix(l)) continue;
    const mapping::LayerMap& lm = chip.layers[l];
    const std::int64_t vectors = samples * lm.vectors_per_sample;
    for (int ai : lm.arrays) {
      const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
      const std::int64_t per_conversion = vectors * a.sub_reads(chip.arch);
      for (const auto& group : a.conversions) {
        const int weight_slice = a.readouts[static_cast<std::size_t>(group.front())].weight_slice;
        for (std::size_t g = 0; g < lm.slice_groups.size(); ++g)
          conversions_[{static_cast<int>(l), static_cast<int>(g), weight_slice}] += per_conversion;
      }
    }
  }
  // The value of rank r (0-based, ascending) with r = ⌈p·N⌉ − 1 is the smallest of the N − r largest.
  for (const auto& [key, n] : conversions_) {
    const double rank = std::ceil(percentile / 100.0 * static_cast<double>(n)) - 1;
    const std::int64_t r = std::clamp<std::int64_t>(static_cast<std::int64_t>(rank), 0, n - 1);
    keep_[key] = n - r;
  }
}

std::int64_t CalibrationQuota::conversions(const CalibrationKey& k) const {
  auto it = conversions_.find(k);
  return it == conversions_.end() ? 0 : it->second;
}

std::int64_t CalibrationQuota::keep(const CalibrationKey& k) const {
  auto it = keep_.find(k);
  return it == keep_.end() ? 0 : it->second;
}

std::int64_t CalibrationQuota::bytes() const {
  std::int64_t b = 0;
  // Up to twice the quota is held between prunes.
  for (const auto& [key, m] : keep_) b += 2 * m * static_cast<std::int64_t>(sizeof(float));
  return b;
}

void CalibrationRecorder::prune(Kept& k, std::size_t m) const {
  if (k.values.size() <= m) return;
  // Keep the m largest; their multiset is the same whatever order the values came in.
  std::nth_element(k.values.begin(), k.values.begin() + static_cast<std::ptrdiff_t>(m - 1), k.values.end(),
                   std::greater<float>());
  k.values.resize(m);
  k.floor = k.values[m - 1];
}

void CalibrationRecorder::record(const CalibrationKey& key, const double* x, Eigen::Index count) {
  if (!quota_) return;
  const auto m = static_cast<std::size_t>(quota_->keep(key));
  Kept& k = kept_[key];
  k.seen += count;
  for (Eigen::Index v = 0; v < count; ++v) {
    const float a = static_cast<float>(std::fabs(x[v]));
    if (a < k.floor) continue;
    k.values.push_back(a);
    if (k.values.size() >= 2 * m) prune(k, m);
  }
}

void CalibrationRecorder::merge(CalibrationRecorder&& o) {
  if (!quota_) quota_ = o.quota_;
  if (!quota_) return;
  for (auto& [key, ko] : o.kept_) {
    Kept& k = kept_[key];
    k.seen += ko.seen;
    if (ko.settled) {
      // Complete in `o`: nothing else can hold values of it (table() checks the count).
      k.settled = true;
      k.percentile = ko.percentile;
      continue;
    }
    k.values.insert(k.values.end(), ko.values.begin(), ko.values.end());
    k.floor = std::max(k.floor, ko.floor);
    prune(k, static_cast<std::size_t>(quota_->keep(key)));
  }
}

CalibrationTable CalibrationRecorder::table() const {
  CalibrationTable t;
  if (!quota_) return t;
  for (const auto& [key, k] : kept_) {
    if (k.seen != quota_->conversions(key))
      throw std::logic_error("calibration recorded " + std::to_string(k.seen) + " conversions where the mapping implies " +
                             std::to_string(quota_->conversions(key)));
    if (k.settled) t[key] = k.percentile;
    else if (!k.values.empty()) t[key] = smallest_of_largest(k.values, static_cast<std::size_t>(quota_->keep(key)));
  }
  return t;
}

float CalibrationRecorder::smallest_of_largest(std::vector<float> v, std::size_t m) {
  if (v.size() > m) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m - 1), v.end(), std::greater<float>());
    v.resize(m);
  }
  // All N values were offered and the floor only rises once m are held: the m largest are here.
  return *std::min_element(v.begin(), v.end());
}

void CalibrationRecorder::settle() {
  if (!quota_) return;
  for (auto& [key, k] : kept_) {
    if (k.settled || k.values.empty() || k.seen != quota_->conversions(key)) continue;
    k.percentile = smallest_of_largest(std::move(k.values), static_cast<std::size_t>(quota_->keep(key)));
    k.values = std::vector<float>();
    k.settled = true;
  }
}

}  // namespace cimsim::functional
