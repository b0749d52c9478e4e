#pragma once
// One layer of a layer list as written: its keys with their places, read with every number
// checked (range, integer width) and every .npy file checked (shape, finite values), so that a
// mistake is an error naming the file, line, column and key. Internal to layer_list.cpp.

#include <Eigen/Dense>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/util/npy.hpp"

namespace cimsim::workload {

// Bounds on the sizes a layer list may give. Window arithmetic is done in int, and these keep
// every sum and product in it far from overflowing; no real network comes near them.
constexpr long long kMaxWindow = 4096;         // kernel, dilation
constexpr long long kMaxStep = 1 << 20;        // stride, padding
constexpr long long kMaxDimension = 1 << 30;   // one dimension of a tensor
constexpr long long kMaxGroups = 1 << 20;

class LayerSpec {
 public:
  LayerSpec(const config::Node& node, std::string prefix, std::filesystem::path dir)
      : node_(node), prefix_(std::move(prefix)), dir_(std::move(dir)) {}

  const config::Node& node() const { return node_; }
  const config::Node* find(const std::string& key) const { return node_.find(key); }
  std::string key(const std::string& k) const { return prefix_ + k; }
  [[noreturn]] void fail(const std::string& k, const std::string& msg) const;

  const config::Node& need(const std::string& k) const;
  std::string text(const std::string& k) const;
  // An integer in [lo, hi].
  long long integer(const config::Node& n, const std::string& k, long long lo, long long hi) const;
  long long integer(const std::string& k, long long def, long long lo, long long hi) const;
  // An int, or a list of `count` ints ([h, w], or [top, left, bottom, right] for padding).
  std::vector<int> ints(const std::string& k, std::vector<int> def, std::vector<std::size_t> counts, long long lo,
                        long long hi) const;
  // A .npy file named by key k, relative to the network file: every dimension positive, every
  // value finite.
  npy::Array array(const std::string& k) const;
  // batchnorm.<k>: one value per output.
  Eigen::VectorXd vector(const config::Node& map, const std::string& k, std::int64_t size) const;
  // Fails at key k unless `bytes` fit in memory; `what` says what they hold.
  void check_memory(const std::string& k, double bytes, const std::string& what) const;

 private:
  npy::Array load_npy(const config::Node& n, const std::string& full) const;

  const config::Node& node_;
  std::string prefix_;
  std::filesystem::path dir_;
};

}  // namespace cimsim::workload
