#pragma once
// An array's ADC conversions per read (ArrayMap::conversions): groups of readout indices, each
// converted together. Held as one list of indices and where each group starts, not as a vector
// per group: VGG-16 maps to 67 k arrays of 64 groups each, and a heap block per group made the
// mapping a third of an estimate's memory.

#include <cstddef>
#include <vector>

namespace cimsim::mapping {

class ConversionGroups {
 public:
  // One group: its readout indices.
  class Group {
   public:
    Group(const int* begin, const int* end) : begin_(begin), end_(end) {}
    const int* begin() const { return begin_; }
    const int* end() const { return end_; }
    std::size_t size() const { return static_cast<std::size_t>(end_ - begin_); }
    int front() const { return *begin_; }
    int operator[](std::size_t k) const { return begin_[k]; }

   private:
    const int* begin_;
    const int* end_;
  };

  class Iterator {
   public:
    Iterator(const ConversionGroups& g, std::size_t k) : groups_(&g), k_(k) {}
    Group operator*() const { return (*groups_)[k_]; }
    Iterator& operator++() {
      ++k_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return k_ != o.k_; }

   private:
    const ConversionGroups* groups_;
    std::size_t k_;
  };

  ConversionGroups() = default;
  explicit ConversionGroups(const std::vector<std::vector<int>>& groups) {
    for (const auto& g : groups) {
      readouts_.insert(readouts_.end(), g.begin(), g.end());
      starts_.push_back(static_cast<int>(readouts_.size()));
    }
  }

  // Readouts 0 … n − 1, each converted alone.
  static ConversionGroups singletons(int n) {
    ConversionGroups c;
    for (int r = 0; r < n; ++r) {
      c.readouts_.push_back(r);
      c.starts_.push_back(r + 1);
    }
    return c;
  }

  std::size_t size() const { return starts_.size() - 1; }
  bool empty() const { return size() == 0; }
  Group operator[](std::size_t k) const {
    return {readouts_.data() + starts_[k], readouts_.data() + starts_[k + 1]};
  }
  Iterator begin() const { return {*this, 0}; }
  Iterator end() const { return {*this, size()}; }

 private:
  std::vector<int> readouts_;
  std::vector<int> starts_ = {0};
};

}  // namespace cimsim::mapping
