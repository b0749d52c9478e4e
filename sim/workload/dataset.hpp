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

// What an inputs file holds, from its header alone: samples along the first axis, each of
// `sample_shape`. Errors name the file.
struct InputsHeader {
  Shape sample_shape;
  std::int64_t samples = 0;
  int item_bytes = 4;  // bytes per value in the file
};
InputsHeader inspect_inputs(const std::string& inputs_path);

// Checks a labels file against `samples` inputs and a network with `classes` outputs: one
// integer per sample, each in [0, classes) (classes 0: only not negative). Errors name the labels
// file and the first bad label's index.
void check_labels(const std::string& labels_path, std::int64_t samples, const std::string& inputs_path,
                  std::int64_t classes);

// Reads inputs (and labels when `labels_path` is not empty); keeps the first `limit` samples
// when limit > 0 (more than the file holds is an error). Values must be finite; labels must lie in
// [0, classes) (not negative when classes is 0). Errors name the file and say what does not fit.
Dataset load_dataset(const std::string& inputs_path, const std::string& labels_path, std::int64_t limit,
                     std::int64_t classes = 0);

// `samples` seeded random inputs, uniform in [0, 1), unlabelled: for shape-only workloads where
// accuracy means nothing but the engines need data to run.
Dataset synthetic_dataset(const Shape& sample_shape, std::int64_t samples, std::uint64_t seed);

// Checks that each sample has the network's input shape.
void check_against(const Dataset& d, const Network& net, const std::string& inputs_path);
void check_against(const Shape& sample_shape, const Network& net, const std::string& inputs_path);

// Outputs of the network's last layer: the classes its labels may name.
std::int64_t network_outputs(const Network& net);

}  // namespace cimsim::workload
