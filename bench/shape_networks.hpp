#pragma once
// Published layer shapes of the benchmark and validation networks, as shape-only networks for
// engine::map_shapes (no weights needed for timing, energy and area).

#include <string>

#include "sim/engine/shape_map.hpp"

namespace cimsim::bench {

using engine::ShapeNetwork;
using engine::conv_shape;
using engine::dense_shape;
using engine::digital_shape;

// ResNet-18 (He et al., CVPR 2016, Table 1; the torchvision layout): basic blocks of two 3×3
// convolutions with a residual add, a 1×1 stride-2 projection where the shape changes.
// imagenet: 224×224 input, 7×7/2 stem and 3×3/2 max pooling, 1000 classes (≈ 1.82 GMAC);
// otherwise the CIFAR-10 variant: 32×32 input, 3×3 stem, no pooling, 10 classes.
inline ShapeNetwork resnet18(bool imagenet) {
  ShapeNetwork n;
  n.name = imagenet ? "resnet18_imagenet" : "resnet18_cifar10";
  n.in_channels = 3;
  n.in_h = n.in_w = imagenet ? 224 : 32;
  auto& L = n.layers;
  auto last = [&] { return static_cast<int>(L.size()) - 1; };
  if (imagenet) {
    L.push_back(conv_shape("conv1", 64, 7, 2, 3));
    L.push_back(digital_shape("maxpool", "maxpool", 3, 2, 1));
  } else {
    L.push_back(conv_shape("conv1", 64, 3, 1, 1));
  }
  int channels = 64;
  const int widths[] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage) {
    for (int block = 0; block < 2; ++block) {
      const std::string p = "layer" + std::to_string(stage + 1) + "." + std::to_string(block) + ".";
      const int in = last();
      const int stride = stage > 0 && block == 0 ? 2 : 1;
      L.push_back(conv_shape(p + "conv1", widths[stage], 3, stride, 1));
      L.push_back(conv_shape(p + "conv2", widths[stage], 3, 1, 1));
      const int main = last();
      int skip = in;
      if (stride != 1 || channels != widths[stage]) {
        L.push_back(conv_shape(p + "downsample", widths[stage], 1, stride, 0, {in}));
        skip = last();
      }
      L.push_back(digital_shape(p + "add", "add", 1, 1, 0, {main, skip}));
      channels = widths[stage];
    }
  }
  L.push_back(digital_shape("avgpool", "global_avgpool"));
  L.push_back(dense_shape("fc", imagenet ? 1000 : 10));
  return n;
}

// VGG-8 on CIFAR-10 as DNN+NeuroSim ships it (NetWork_VGG8.csv): six 3×3 convolutions of 128,
// 128, 256, 256, 512, 512 channels with 2×2 max pooling after every second one, then 8192→1024
// and 1024→10 fully connected layers.
inline ShapeNetwork vgg8_cifar10() {
  ShapeNetwork n;
  n.name = "vgg8_cifar10";
  n.in_channels = 3;
  n.in_h = n.in_w = 32;
  auto& L = n.layers;
  const int widths[] = {128, 128, 256, 256, 512, 512};
  for (int i = 0; i < 6; ++i) {
    L.push_back(conv_shape("conv" + std::to_string(i + 1), widths[i], 3, 1, 1));
    if (i % 2 == 1) L.push_back(digital_shape("pool" + std::to_string(i / 2 + 1), "maxpool", 2, 2, 0));
  }
  L.push_back(dense_shape("fc1", 1024));
  L.push_back(dense_shape("fc2", 10));
  return n;
}

}  // namespace cimsim::bench
