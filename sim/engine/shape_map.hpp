#pragma once
// A ChipMap from layer shapes alone, without weights: for timing, energy and area of networks
// whose weights are not at hand (benchmarks, validation against published chips, engine tests).
// Matrix layers are cut into row and column blocks as the mapper cuts them (docs/design.md §4), with the
// same number of readouts per array; the arrays carry no digits. Plain C++.

#include <string>
#include <vector>

#include "sim/mapping/mapping.hpp"

namespace cimsim::engine {

struct LayerShape {
  enum class Kind { Dense, Conv, Digital };
  Kind kind = Kind::Dense;
  std::string name;
  std::string op;           // digital layers: maxpool, avgpool, global_avgpool, add, concat
  std::vector<int> inputs;  // earlier layers by index, −1 = the network input; empty = the previous layer
  int out = 0;              // dense: output features; convolution: output channels
  int kernel = 1, stride = 1, pad = 0;  // convolution and pooling windows (square)
};

struct ShapeNetwork {
  std::string name;
  int in_channels = 1, in_h = 1, in_w = 1;  // the network input
  std::vector<LayerShape> layers;
  std::int64_t macs_per_sample() const;
};

// Layers for networks written in code.
LayerShape dense_shape(const std::string& name, int out, std::vector<int> inputs = {});
LayerShape conv_shape(const std::string& name, int out, int kernel, int stride, int pad, std::vector<int> inputs = {});
LayerShape digital_shape(const std::string& name, const std::string& op, int kernel = 1, int stride = 1, int pad = 0,
                         std::vector<int> inputs = {});

// Output size of a convolution or pooling window along one axis.
int conv_out(int in, int kernel, int stride, int pad);

// Maps `net` with every weight `weight_bits` wide and every activation `activation_bits` wide,
// and places it on tiles. Fails like the mapper when the network does not fit.
mapping::ChipMap map_shapes(const ShapeNetwork& net, const mapping::Architecture& arch, int dac_bits, int weight_bits,
                            int activation_bits);

}  // namespace cimsim::engine
