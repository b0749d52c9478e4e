#include "sim/functional/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#ifdef __AVX__
#include <immintrin.h>
#endif

namespace cimsim::functional {

CalibrationQuota::CalibrationQuota(const mapping::ChipMap& chip, std::int64_t samples, double percentile) {
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    if (!chip.is_matrix(l)) continue;
    const mapping::LayerMap& lm = chip.layers[l];
    const std::int64_t vectors = samples * lm.vectors_per_sample;
    // Conversions per weight slice over the layer's arrays, counted in a vector and entered in the
    // map once per key: a map update per conversion group took VGG-16's 67,576 arrays about 0.6 s
    // of CPU over the two quotas a full run builds (docs/performance.md, fifth round).
    std::vector<std::int64_t> per_weight_slice;
    for (int ai : lm.arrays) {
      const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
      const std::int64_t per_conversion = vectors * a.sub_reads(chip.arch);
      for (const auto& group : a.conversions) {
        const auto weight_slice = static_cast<std::size_t>(a.readouts[static_cast<std::size_t>(group.front())].weight_slice);
        if (weight_slice >= per_weight_slice.size()) per_weight_slice.resize(weight_slice + 1, 0);
        per_weight_slice[weight_slice] += per_conversion;
      }
    }
    for (std::size_t w = 0; w < per_weight_slice.size(); ++w) {
      if (per_weight_slice[w] == 0) continue;
      for (std::size_t g = 0; g < lm.slice_groups.size(); ++g)
        conversions_[{static_cast<int>(l), static_cast<int>(g), static_cast<int>(w)}] += per_weight_slice[w];
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
  Kept& k = kept_[key];
  const std::size_t m = quota_of(key, k);
  k.seen += count;
  Eigen::Index v = 0;
#ifdef __AVX__
  // Once the floor has risen, nearly every value is below it: eight at a time, a block with none
  // that offer() would take (not below the floor, NaN included) is passed over after one test.
  for (; v + 8 <= count; v += 8) {
    const __m256 a = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_loadu_pd(x + v + 4)), _mm256_cvtpd_ps(_mm256_loadu_pd(x + v)));
    const __m256 magnitude = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a);
    if (_mm256_movemask_ps(_mm256_cmp_ps(magnitude, _mm256_set1_ps(k.floor), _CMP_NLT_UQ)) == 0) continue;
    for (Eigen::Index i = 0; i < 8; ++i) offer(k, static_cast<float>(std::fabs(x[v + i])), m);
  }
#endif
  for (; v < count; ++v) offer(k, static_cast<float>(std::fabs(x[v])), m);
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
    // Offered as record() offers them: a prune on every merge made the calibration pass sort about
    // as much as it converted.
    k.floor = std::max(k.floor, ko.floor);
    const std::size_t m = quota_of(key, k);
    for (const float a : ko.values) offer(k, a, m);
  }
}

void CalibrationRecorder::raise_floors(const CalibrationRecorder& o, int layer) {
  if (!quota_) return;
  for (const auto& [key, ko] : o.kept_)
    if (std::get<0>(key) == layer && !ko.settled && ko.floor > 0) {
      Kept& k = kept_[key];
      k.floor = std::max(k.floor, ko.floor);
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
