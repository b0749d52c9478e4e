#pragma once
// A labelled data set: inputs from one .npy (first axis = samples), labels from another.

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/workload/network.hpp"

namespace cimsim::workload {

struct Dataset {
  Shape sample_shape;            // shape of one sample
  Eigen::MatrixXf inputs;        // one column per sample (features flattened in C order)
  std::vector<std::int64_t> labels;  // empty for an unlabelled set (calibration)

  std::int64_t size() const { return inputs.cols(); }
};

// Reads inputs (and labels when `labels_path` is not empty); keeps the first `limit` samples
// when limit > 0. Errors name the file and say what does not fit.
Dataset load_dataset(const std::string& inputs_path, const std::string& labels_path, std::int64_t limit);

// `samples` seeded random inputs, uniform in [0, 1), unlabelled: for shape-only workloads where
// accuracy means nothing but the engines need data to run.
Dataset synthetic_dataset(const Shape& sample_shape, std::int64_t samples, std::uint64_t seed);

// Checks that each sample has the network's input shape.
void check_against(const Dataset& d, const Network& net, const std::string& inputs_path);

}  // namespace cimsim::workload
