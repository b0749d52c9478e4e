#include "sim/mapping/mapping.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/functional/ops.hpp"
#include "sim/mapping/placement.hpp"
#include "sim/workload/activation_product.hpp"
#include "sim/workload/quantize_options.hpp"

namespace cimsim::mapping {

int weight_slices(int weight_bits, int bits_per_cell, Encoding e) {
  // Differential pairs hold the magnitude (wb−1 bits); the offset encoding holds W + 2^(wb−1),
  // which needs all wb bits. A binary ±1 weight is one bit either way.
  if (weight_bits == 1) return 1;
  const int magnitude_bits = e == Encoding::Differential ? weight_bits - 1 : weight_bits;
  return (magnitude_bits + bits_per_cell - 1) / bits_per_cell;
}

std::vector<InputSlice> input_slices(int activation_bits, int dac_bits, bool is_signed, bool polarity) {
  std::vector<InputSlice> out;
  // A signed input's sign bit is a slice of its own weighing −2^(ab−1); the remaining ab−1 bits
  // are cut like an unsigned input. With 1-bit DACs this is plain two's-complement bit-serial.
  // Polarity inputs carry the sign in the drive: only the magnitude's ab−1 bits are cut.
  const int magnitude = is_signed ? std::max(1, activation_bits - 1) : activation_bits;
  for (int shift = 0; shift < magnitude; shift += dac_bits)
    out.push_back({shift, std::min(dac_bits, magnitude - shift), false});
  if (is_signed && !polarity) out.push_back({activation_bits - 1, 1, true});
  return out;
}

bool signed_conversion(const Architecture& arch, const LayerMap& lm) {
  if (arch.analog_pairs()) return true;
  return lm.input_signed && (lm.polarity || arch.readout.accumulate_inputs());
}

double slice_group_levels(const LayerMap& lm, int group) {
  const auto& g = lm.slice_groups[static_cast<std::size_t>(group)];
  const double base = std::ldexp(1.0, lm.input_slices[static_cast<std::size_t>(g.front())].shift);
  double levels = 0;
  for (int s : g) {
    const InputSlice& sl = lm.input_slices[static_cast<std::size_t>(s)];
    levels += std::ldexp(1.0, sl.shift) / base * ((1 << sl.width) - 1);
  }
  return levels;
}

double conversion_digit_weight(const Architecture& arch, const LayerMap& lm) {
  if (!arch.readout.combine_weights()) return 1;
  double w = 0;
  for (int k = 0; k < lm.weight_slices; ++k) w += std::ldexp(1.0, k * arch.bits_per_cell);
  return w;
}

void check_adc_layers(const ChipMap& chip) {
  for (const auto& entry : chip.arch.adc_params.keyed("layers")) {
    // Not a structured binding: a lambda may not capture one before C++20 (clang refuses).
    const std::string& name = entry.first;
    const bool known = std::any_of(chip.layers.begin(), chip.layers.end(), [&](const LayerMap& l) {
      return l.kind == LayerMap::Kind::Matrix && l.name == name;
    });
    if (!known) entry.second.fail_section("names no matrix layer of the network");
  }
}

std::vector<int> LayerMap::arrays_of_copy(int k) const {
  if (k == 0) return arrays;
  const auto n = static_cast<std::ptrdiff_t>(arrays.size());
  const auto first = copy_arrays.begin() + (k - 1) * n;
  return {first, first + n};
}

std::int64_t ChipMap::cells_used() const {
  std::int64_t n = 0;
  for (const auto& a : arrays) n += static_cast<std::int64_t>(a.rows) * a.columns;
  return n;
}

std::int64_t ChipMap::copy_array_count() const {
  std::int64_t n = 0;
  for (const auto& l : layers) n += static_cast<std::int64_t>(l.copy_arrays.size());
  return n;
}

std::int64_t ChipMap::written_macs() const {
  std::int64_t n = 0;
  for (const auto& l : layers) n += mapping::written_macs(l);
  return n;
}

const LayerMap* ChipMap::find_layer(int network_layer) const {
  for (const auto& l : layers)
    if (l.layer == network_layer) return &l;
  return nullptr;
}

namespace {

// Digit k of an unsigned value.
inline std::uint8_t digit(std::int64_t v, int k, int cb) {
  return static_cast<std::uint8_t>((v >> (k * cb)) & ((1 << cb) - 1));
}

}  // namespace

// The weight-dependent half of an array (layout_array gives the rest). The weight block is turned
// once so that both it and the digits are read down their columns.
MatrixXu8 array_digits(const ArrayMap& a, const LayerMap& lm, const workload::QuantLayer& q, const Architecture& arch) {
  if (workload::codes_omitted(q))
    throw std::logic_error("array_digits: the network was quantized without weight codes (an estimate)");
  const int S = lm.weight_slices;
  const int cb = arch.bits_per_cell;
  const bool differential = arch.encoding == Encoding::Differential;
  const int P = differential ? 2 : 1;
  MatrixXu8 digits = MatrixXu8::Zero(a.rows, a.columns);
  const workload::MatrixXi32 block = q.w.block(a.output_begin, a.row_begin, a.outputs, a.rows).transpose();  // rows × outputs
  // Offset encoding: W + 2^(wb−1); a binary ±1 weight stores (W + 1)/2.
  const std::int64_t offset = std::int64_t{1} << std::max(0, lm.weight_bits - 1);
  for (int oo = 0; oo < a.outputs; ++oo) {
    for (int k = 0; k < S; ++k) {
      const int base = (oo * S + k) * P;
      for (int r = 0; r < a.rows; ++r) {
        const std::int64_t w = block(r, oo);
        if (differential) {
          digits(r, base) = digit(std::max<std::int64_t>(w, 0), k, cb);
          digits(r, base + 1) = digit(std::max<std::int64_t>(-w, 0), k, cb);
        } else {
          digits(r, base) = digit((w + offset) / lm.digit_weight, k, cb);
        }
      }
    }
  }
  return digits;
}

const MatrixXu8& digits_of(const ChipMap& chip, const ArrayMap& a, const workload::QuantizedNetwork* qnet,
                           MatrixXu8& scratch) {
  const LayerMap& lm = chip.layers[static_cast<std::size_t>(a.layer_map)];
  // A written layer's digits change with every input: there are none to program ahead.
  if (a.digits.size() == static_cast<Eigen::Index>(a.rows) * a.columns || qnet == nullptr || lm.written) return a.digits;
  scratch = array_digits(a, lm, qnet->of(lm.layer), chip.arch);
  return scratch;
}

std::vector<int> significance_group_bits(const LayerMap& lm, const std::vector<int>& bits) {
  if (bits.empty()) return {};
  const auto top = [&](const std::vector<int>& group) {
    int t = 0;
    for (int s : group) {
      const InputSlice& sl = lm.input_slices[static_cast<std::size_t>(s)];
      t = std::max(t, sl.negative ? 1 << 20 : sl.shift + sl.width);
    }
    return t;
  };
  std::vector<int> order(lm.slice_groups.size());
  for (std::size_t g = 0; g < order.size(); ++g) order[g] = static_cast<int>(g);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return top(lm.slice_groups[static_cast<std::size_t>(a)]) > top(lm.slice_groups[static_cast<std::size_t>(b)]);
  });
  std::vector<int> out(order.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    out[static_cast<std::size_t>(order[k])] = bits[std::min(k, bits.size() - 1)];
  return out;
}

void plan_matrix_layer(LayerMap& lm, const Architecture& arch, int dac_bits) {
  const int P = arch.encoding == Encoding::Differential ? 2 : 1;
  const int usable_cols = arch.cols - (arch.uses_reference_column() ? 1 : 0);
  const ReadoutScheme& ro = arch.readout;
  lm.kind = LayerMap::Kind::Matrix;
  lm.weight_slices = weight_slices(lm.weight_bits, arch.bits_per_cell, arch.encoding);
  lm.digit_weight = lm.weight_bits == 1 && arch.encoding == Encoding::Offset ? 2 : 1;
  lm.polarity = lm.input_signed && ro.polarity();
  lm.input_slices = input_slices(lm.activation_bits, dac_bits, lm.input_signed, ro.polarity());
  lm.slice_groups.clear();
  if (ro.accumulate_inputs()) {
    lm.slice_groups.emplace_back();
    for (int s = 0; s < static_cast<int>(lm.input_slices.size()); ++s) lm.slice_groups.back().push_back(s);
  } else {
    for (int s = 0; s < static_cast<int>(lm.input_slices.size()); ++s) lm.slice_groups.push_back({s});
  }
  auto bits = arch.adc_layer_bits.find(lm.name);
  lm.adc_bits = bits == arch.adc_layer_bits.end() ? 0 : bits->second;
  lm.group_bits = significance_group_bits(lm, arch.adc_significance_bits);
  if (ro.resistance()) {
    // A series chain takes a cell in or bypasses it: one bit per row and read.
    if (dac_bits != 1) arch.readout_params.fail("summation", "resistance summation needs 1-bit input slices (dac.bits: 1)");
    if (lm.polarity)
      arch.readout_params.fail("summation", "resistance summation cannot drive negative inputs; use input_sign: sign_slice");
    if (!arch.analog_pairs() && !arch.uses_reference_column())
      arch.readout_params.fail("summation", "resistance summation reads a chain against a reference chain: needs "
                                            "differential pairs subtracted in analog, or gmin_removal: reference_column");
  }
  const int cols_per_output = lm.weight_slices * P;
  lm.outputs_per_col_block = usable_cols / cols_per_output;
  if (lm.outputs_per_col_block == 0)
    arch.array_params.fail("cols", "layer '" + lm.name + "' needs " + std::to_string(cols_per_output) +
                                       " columns per output (" + std::to_string(lm.weight_slices) + " slices x " +
                                       std::to_string(P) + "), more than an array has");
  lm.row_blocks = (lm.in + arch.rows - 1) / arch.rows;
  lm.col_blocks = (lm.out + lm.outputs_per_col_block - 1) / lm.outputs_per_col_block;
}

ArrayMap layout_array(const LayerMap& lm, const Architecture& arch, int layer_map_index, int rb, int cb) {
  ArrayMap a;
  a.layer = lm.layer;
  a.layer_map = layer_map_index;
  a.row_block = rb;
  a.col_block = cb;
  a.row_begin = rb * arch.rows;
  a.rows = std::min(arch.rows, lm.in - a.row_begin);
  a.output_begin = cb * lm.outputs_per_col_block;
  a.outputs = std::min(lm.outputs_per_col_block, lm.out - a.output_begin);
  const int S = lm.weight_slices;
  const bool differential = arch.encoding == Encoding::Differential;
  const int P = differential ? 2 : 1;
  const int data_columns = a.outputs * S * P;
  a.columns = data_columns + (arch.uses_reference_column() ? 1 : 0);
  a.reference_column = arch.uses_reference_column() ? data_columns : -1;
  for (int oo = 0; oo < a.outputs; ++oo) {
    const int o = a.output_begin + oo;
    for (int k = 0; k < S; ++k) {
      const int base = (oo * S + k) * P;
      const auto slice = static_cast<std::int16_t>(k);
      if (!differential) {
        a.readouts.push_back({base, a.reference_column, o, slice, 1});
      } else if (arch.analog_pairs()) {
        a.readouts.push_back({base, base + 1, o, slice, 1});
      } else {
        a.readouts.push_back({base, a.reference_column, o, slice, 1});
        a.readouts.push_back({base + 1, a.reference_column, o, slice, -1});
      }
    }
  }
  // Conversions: each readout alone, or every slice of one output and sign together.
  if (!arch.readout.combine_weights()) {
    a.conversions = ConversionGroups::singletons(static_cast<int>(a.readouts.size()));
    return a;
  }
  std::vector<std::vector<int>> groups;
  for (int r = 0; r < static_cast<int>(a.readouts.size()); ++r) {
    const Readout& ro = a.readouts[static_cast<std::size_t>(r)];
    if (ro.weight_slice > 0) {
      for (auto& g : groups) {
        const Readout& first = a.readouts[static_cast<std::size_t>(g.front())];
        if (first.output == ro.output && first.sign == ro.sign) {
          g.push_back(r);
          break;
        }
      }
    } else {
      groups.push_back({r});
    }
  }
  a.conversions = ConversionGroups(groups);
  return a;
}

namespace {

// Window geometry of a convolution or pooling layer; for other layers on (channels, height,
// width) tensors, just the spatial sizes (the timing engine streams them pixel by pixel).
ConvGeometry conv_geometry(const workload::Layer& l) {
  ConvGeometry g;
  const bool windowed = l.op == workload::Op::Conv || l.op == workload::Op::MaxPool || l.op == workload::Op::AvgPool;
  // 1-D windows run over (channels, length) as over (channels, 1, length). Digital operators work
  // on whole tensors.
  const bool one_d = windowed && l.in_shape.size() == 2 && l.out_shape.size() == 2;
  if (l.op == workload::Op::Operator || ((l.in_shape.size() != 3 || l.out_shape.size() != 3) && !one_d)) return g;
  const workload::Spatial in = workload::spatial_of(l.in_shape), out = workload::spatial_of(l.out_shape);
  g.in_channels = static_cast<int>(in.c);
  g.in_h = static_cast<int>(in.h);
  g.in_w = static_cast<int>(in.w);
  g.out_channels = static_cast<int>(out.c);
  g.out_h = static_cast<int>(out.h);
  g.out_w = static_cast<int>(out.w);
  if (!windowed) return g;
  g.kernel_h = l.window.kernel_h;
  g.kernel_w = l.window.kernel_w;
  g.stride_h = l.window.stride_h;
  g.stride_w = l.window.stride_w;
  g.pad_h = l.window.pad_top;
  g.pad_w = l.window.pad_left;
  g.dilation_h = l.window.dilation_h;
  g.dilation_w = l.window.dilation_w;
  g.groups = l.groups;
  return g;
}

void map_matrix_layer(ChipMap& chip, LayerMap& lm, const workload::QuantLayer& q, const workload::Layer& layer,
                      int dac_bits, bool keep_digits) {
  const Architecture& arch = chip.arch;
  lm.in = static_cast<int>(layer.in_features());
  lm.out = static_cast<int>(layer.out_features());
  lm.weight_bits = q.weight_bits;
  lm.activation_bits = q.activation_bits;
  lm.input_signed = q.input_signed;
  lm.zero_point_correction = q.input_zero_point != 0;
  lm.vectors_per_sample = layer.vectors_per_sample();
  if (layer.op == workload::Op::Conv) lm.conv = conv_geometry(layer);
  plan_matrix_layer(lm, arch, dac_bits);

  const int layer_map_index = static_cast<int>(chip.layers.size());
  if (lm.array_source >= 0) {
    // A recurrent step reads step 0's arrays.
    lm.arrays = chip.layers[static_cast<std::size_t>(lm.array_source)].arrays;
    return;
  }
  for (int rb = 0; rb < lm.row_blocks; ++rb) {
    for (int cb = 0; cb < lm.col_blocks; ++cb) {
      ArrayMap a = layout_array(lm, arch, layer_map_index, rb, cb);
      // Differential pairs of zero weights carry nothing, so an all-zero block needs no array (a
      // grouped convolution's off-diagonal blocks, for one). The
      // offset encoding stores 2^(wb−1) for a zero and removes it over every input, so it maps all.
      // A column block always keeps its first row block, so that its outputs have a home.
      const bool skip = arch.encoding == Encoding::Differential && rb > 0 &&
                        !workload::codes_nonzero(q, layer, a.row_begin, a.rows, a.output_begin, a.outputs);
      if (skip) continue;
      if (keep_digits) a.digits = array_digits(a, lm, q, arch);
      lm.arrays.push_back(static_cast<int>(chip.arrays.size()));
      chip.arrays.push_back(std::move(a));
    }
  }
}

// A product of two activations: k rows (the second operand's rows) by n outputs, cut into blocks as a
// dense layer's weights are; every block gets an array, since no block is known to stay zero.
void map_written_layer(ChipMap& chip, LayerMap& lm, const workload::QuantLayer& q, const models::ActivationMatMul& p,
                       int dac_bits) {
  lm.written = true;
  lm.in = static_cast<int>(p.k);
  lm.out = static_cast<int>(p.n);
  lm.weight_bits = q.weight_bits;
  lm.activation_bits = q.activation_bits;
  lm.input_signed = q.input_signed;
  lm.zero_point_correction = q.input_zero_point != 0;
  lm.vectors_per_sample = p.batches * p.m;
  lm.vectors_per_write = p.m;
  plan_matrix_layer(lm, chip.arch, dac_bits);
  const int layer_map_index = static_cast<int>(chip.layers.size());
  for (int rb = 0; rb < lm.row_blocks; ++rb)
    for (int cb = 0; cb < lm.col_blocks; ++cb) {
      lm.arrays.push_back(static_cast<int>(chip.arrays.size()));
      chip.arrays.push_back(layout_array(lm, chip.arch, layer_map_index, rb, cb));
    }
}

}  // namespace

ChipMap map_network(const workload::QuantizedNetwork& qnet, const Architecture& arch, int dac_bits,
                    int max_bits_per_cell, bool keep_digits) {
  ChipMap chip;
  chip.arch = arch;
  chip.dac_bits = dac_bits;
  if (arch.bits_per_cell > max_bits_per_cell)
    arch.mapping_params.fail("bits_per_cell", "the cell model holds at most " + std::to_string(max_bits_per_cell) +
                                                  " bits per cell");
  const workload::Network& net = *qnet.net;
  std::vector<int> map_index(net.layers.size(), -1);
  for (std::size_t li = 0; li < net.layers.size(); ++li) {
    const workload::Layer& layer = net.layers[li];
    if (layer.op == workload::Op::Flatten) {
      // Reshaping moves nothing: consumers read the producer directly.
      map_index[li] = layer.inputs.front() == workload::Layer::kNetworkInput ? -1 : map_index[static_cast<std::size_t>(layer.inputs.front())];
      continue;
    }
    LayerMap lm;
    lm.op = layer.type_name();
    lm.layer = static_cast<int>(li);
    lm.name = layer.name;
    std::vector<workload::Shape> input_shapes;
    for (int producer : layer.inputs) {
      lm.producers.push_back(producer == workload::Layer::kNetworkInput ? -1 : map_index[static_cast<std::size_t>(producer)]);
      input_shapes.push_back(net.shape_of(producer));
      lm.input_elements += workload::element_count(net.shape_of(producer));
    }
    lm.output_elements = workload::element_count(layer.out_shape);
    if (layer.is_matrix()) {
      if (layer.weight_source >= 0) lm.array_source = map_index[static_cast<std::size_t>(layer.weight_source)];
      map_matrix_layer(chip, lm, qnet.of(static_cast<int>(li)), layer, dac_bits, keep_digits);
    } else if (qnet.index[li] >= 0 && qnet.of(static_cast<int>(li)).written) {
      map_written_layer(chip, lm, qnet.of(static_cast<int>(li)), *workload::activation_product(layer), dac_bits);
    } else {
      lm.kind = LayerMap::Kind::Digital;
      lm.activation_bits = qnet.activation_bits;
      lm.digital = functional::digital_work(layer, input_shapes);
      lm.conv = conv_geometry(layer);
    }
    map_index[li] = static_cast<int>(chip.layers.size());
    chip.layers.push_back(std::move(lm));
  }

  check_adc_layers(chip);
  place_on_tiles(chip);
  return chip;
}

}  // namespace cimsim::mapping
