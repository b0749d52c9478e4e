#include "sim/engine/shape_map.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/functional/ops.hpp"
#include "sim/mapping/placement.hpp"

namespace cimsim::engine {

namespace {

struct MapShape {
  int c = 1, h = 1, w = 1;
  std::int64_t elements() const { return static_cast<std::int64_t>(c) * h * w; }
};

LayerShape shape(LayerShape::Kind kind, const std::string& name, int out, int kernel, int stride, int pad,
                 std::vector<int> inputs) {
  LayerShape l;
  l.kind = kind;
  l.name = name;
  l.out = out;
  l.kernel = kernel;
  l.stride = stride;
  l.pad = pad;
  l.inputs = std::move(inputs);
  return l;
}

}  // namespace

LayerShape dense_shape(const std::string& name, int out, std::vector<int> inputs) {
  return shape(LayerShape::Kind::Dense, name, out, 1, 1, 0, std::move(inputs));
}

LayerShape conv_shape(const std::string& name, int out, int kernel, int stride, int pad, std::vector<int> inputs) {
  return shape(LayerShape::Kind::Conv, name, out, kernel, stride, pad, std::move(inputs));
}

LayerShape digital_shape(const std::string& name, const std::string& op, int kernel, int stride, int pad,
                         std::vector<int> inputs) {
  LayerShape l = shape(LayerShape::Kind::Digital, name, 0, kernel, stride, pad, std::move(inputs));
  l.op = op;
  return l;
}

int conv_out(int in, int kernel, int stride, int pad) { return (in + 2 * pad - kernel) / stride + 1; }

std::int64_t ShapeNetwork::macs_per_sample() const {
  std::int64_t macs = 0;
  std::vector<MapShape> shapes;
  const MapShape input{in_channels, in_h, in_w};
  for (const LayerShape& l : layers) {
    const int src = l.inputs.empty() ? static_cast<int>(shapes.size()) - 1 : l.inputs.front();
    const MapShape in = src < 0 ? input : shapes[static_cast<std::size_t>(src)];
    MapShape out = in;
    if (l.kind == LayerShape::Kind::Dense) {
      out = {l.out, 1, 1};
      macs += in.elements() * l.out;
    } else if (l.kind == LayerShape::Kind::Conv) {
      out = {l.out, conv_out(in.h, l.kernel, l.stride, l.pad), conv_out(in.w, l.kernel, l.stride, l.pad)};
      macs += static_cast<std::int64_t>(in.c) * l.kernel * l.kernel * out.elements();
    } else if (l.op == "global_avgpool") {
      out = {in.c, 1, 1};
    } else if (l.op == "maxpool" || l.op == "avgpool") {
      out = {in.c, conv_out(in.h, l.kernel, l.stride, l.pad), conv_out(in.w, l.kernel, l.stride, l.pad)};
    } else if (l.op == "concat") {
      out.c = 0;
      for (int i : l.inputs) out.c += i < 0 ? input.c : shapes[static_cast<std::size_t>(i)].c;
    }
    shapes.push_back(out);
  }
  return macs;
}

mapping::ChipMap map_shapes(const ShapeNetwork& net, const mapping::Architecture& arch, int dac_bits, int weight_bits,
                            int activation_bits) {
  mapping::ChipMap chip;
  chip.arch = arch;
  chip.dac_bits = dac_bits;
  const MapShape input{net.in_channels, net.in_h, net.in_w};
  std::vector<MapShape> shapes;

  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const LayerShape& ls = net.layers[i];
    mapping::LayerMap lm;
    lm.layer = static_cast<int>(i);
    lm.name = ls.name;
    lm.weight_bits = weight_bits;
    lm.activation_bits = activation_bits;
    lm.producers = ls.inputs.empty() ? std::vector<int>{static_cast<int>(i) - 1} : ls.inputs;
    const int src = lm.producers.front();
    const MapShape in = src < 0 ? input : shapes[static_cast<std::size_t>(src)];
    MapShape out = in;
    lm.input_elements = in.elements();
    mapping::ConvGeometry& g = lm.conv;

    if (ls.kind == LayerShape::Kind::Digital) {
      lm.kind = mapping::LayerMap::Kind::Digital;
      lm.op = ls.op;
      int window = 1;
      if (ls.op == "maxpool" || ls.op == "avgpool") {
        out = {in.c, conv_out(in.h, ls.kernel, ls.stride, ls.pad), conv_out(in.w, ls.kernel, ls.stride, ls.pad)};
        g.kernel_h = g.kernel_w = ls.kernel;
        g.stride_h = g.stride_w = ls.stride;
        g.pad_h = g.pad_w = ls.pad;
        window = ls.kernel * ls.kernel;
      } else if (ls.op == "global_avgpool") {
        out = {in.c, 1, 1};
        window = in.h * in.w;
      } else if (ls.op == "concat") {
        out.c = 0;
        for (int p : lm.producers) out.c += p < 0 ? input.c : shapes[static_cast<std::size_t>(p)].c;
      }
      g.in_channels = in.c;
      g.in_h = in.h;
      g.in_w = in.w;
      g.out_channels = out.c;
      g.out_h = out.h;
      g.out_w = out.w;
      lm.output_elements = out.elements();
      lm.digital = functional::digital_work(workload::op_named(ls.op), window, in.elements(), out.elements(),
                                            static_cast<int>(lm.producers.size()));
      chip.layers.push_back(std::move(lm));
      shapes.push_back(out);
      continue;
    }

    lm.kind = mapping::LayerMap::Kind::Matrix;
    if (ls.kind == LayerShape::Kind::Conv) {
      lm.op = "conv";
      out = {ls.out, conv_out(in.h, ls.kernel, ls.stride, ls.pad), conv_out(in.w, ls.kernel, ls.stride, ls.pad)};
      g = {in.c, in.h, in.w, out.c, out.h, out.w, ls.kernel, ls.kernel, ls.stride, ls.stride, ls.pad, ls.pad, 1, 1, 1};
      lm.in = in.c * ls.kernel * ls.kernel;
      lm.vectors_per_sample = static_cast<std::int64_t>(out.h) * out.w;
    } else {
      lm.op = "dense";
      out = {ls.out, 1, 1};
      lm.in = static_cast<int>(in.elements());
      lm.vectors_per_sample = 1;
    }
    lm.out = ls.out;
    lm.output_elements = out.elements();
    mapping::plan_matrix_layer(lm, arch, dac_bits);
    const int map_index = static_cast<int>(chip.layers.size());
    for (int rb = 0; rb < lm.row_blocks; ++rb) {
      for (int cb = 0; cb < lm.col_blocks; ++cb) {
        lm.arrays.push_back(static_cast<int>(chip.arrays.size()));
        chip.arrays.push_back(mapping::layout_array(lm, arch, map_index, rb, cb));
      }
    }
    chip.layers.push_back(std::move(lm));
    shapes.push_back(out);
  }
  mapping::check_adc_layers(chip);
  mapping::place_on_tiles(chip);
  return chip;
}

}  // namespace cimsim::engine
