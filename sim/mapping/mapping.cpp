#include "sim/mapping/mapping.hpp"

#include <algorithm>

#include "sim/mapping/placement.hpp"

namespace cimsim::mapping {

int weight_slices(int weight_bits, int bits_per_cell, Encoding e) {
  // Differential pairs hold the magnitude (wb−1 bits); the offset encoding holds W + 2^(wb−1),
  // which needs all wb bits.
  const int magnitude_bits = e == Encoding::Differential ? weight_bits - 1 : weight_bits;
  return (magnitude_bits + bits_per_cell - 1) / bits_per_cell;
}

std::vector<InputSlice> input_slices(int activation_bits, int dac_bits, bool is_signed) {
  std::vector<InputSlice> out;
  // A signed input's sign bit is a slice of its own weighing −2^(ab−1); the remaining ab−1 bits
  // are cut like an unsigned input. With 1-bit DACs this is plain two's-complement bit-serial.
  const int magnitude = is_signed ? activation_bits - 1 : activation_bits;
  for (int shift = 0; shift < magnitude; shift += dac_bits)
    out.push_back({shift, std::min(dac_bits, magnitude - shift), false});
  if (is_signed) out.push_back({activation_bits - 1, 1, true});
  return out;
}

std::int64_t ChipMap::cells_used() const {
  std::int64_t n = 0;
  for (const auto& a : arrays) n += static_cast<std::int64_t>(a.rows) * a.columns;
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

void fill_array(ArrayMap& a, const LayerMap& lm, const workload::QuantLayer& q, const Architecture& arch) {
  const int S = lm.weight_slices;
  const int cb = arch.bits_per_cell;
  const bool differential = arch.encoding == Encoding::Differential;
  const int P = differential ? 2 : 1;
  const int data_columns = a.outputs * S * P;
  a.columns = data_columns + (arch.uses_reference_column() ? 1 : 0);
  a.reference_column = arch.uses_reference_column() ? data_columns : -1;
  a.digits = MatrixXu8::Zero(a.rows, a.columns);
  const std::int64_t offset = std::int64_t{1} << (lm.weight_bits - 1);

  for (int oo = 0; oo < a.outputs; ++oo) {
    const int o = a.output_begin + oo;
    for (int k = 0; k < S; ++k) {
      const int base = (oo * S + k) * P;
      for (int r = 0; r < a.rows; ++r) {
        const std::int64_t w = q.w(o, a.row_begin + r);
        if (differential) {
          a.digits(r, base) = digit(std::max<std::int64_t>(w, 0), k, cb);
          a.digits(r, base + 1) = digit(std::max<std::int64_t>(-w, 0), k, cb);
        } else {
          a.digits(r, base) = digit(w + offset, k, cb);
        }
      }
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
}

}  // namespace

ChipMap map_network(const workload::QuantizedNetwork& qnet, const Architecture& arch, int dac_bits,
                    int max_bits_per_cell) {
  ChipMap chip;
  chip.arch = arch;
  chip.dac_bits = dac_bits;
  if (arch.bits_per_cell > max_bits_per_cell)
    arch.mapping_params.fail("bits_per_cell", "the cell model holds at most " + std::to_string(max_bits_per_cell) +
                                                  " bits per cell");
  const int P = arch.encoding == Encoding::Differential ? 2 : 1;
  const int usable_cols = arch.cols - (arch.uses_reference_column() ? 1 : 0);

  for (const auto& q : qnet.layers) {
    const workload::Layer& layer = qnet.net->layers[static_cast<std::size_t>(q.layer)];
    LayerMap lm;
    lm.kind = LayerMap::Kind::Matrix;
    lm.op = workload::op_name(layer.op);
    lm.layer = q.layer;
    lm.name = layer.name;
    lm.in = static_cast<int>(layer.in_features());
    lm.out = static_cast<int>(layer.out_features());
    lm.weight_bits = q.weight_bits;
    lm.activation_bits = q.activation_bits;
    lm.input_signed = q.input_signed;
    lm.weight_slices = weight_slices(q.weight_bits, arch.bits_per_cell, arch.encoding);
    lm.input_slices = input_slices(q.activation_bits, dac_bits, q.input_signed);
    lm.vectors_per_sample = layer.vectors_per_sample();
    for (int producer : layer.inputs) {
      const mapping::LayerMap* p = producer == workload::Layer::kNetworkInput ? nullptr : chip.find_layer(producer);
      lm.producers.push_back(p ? static_cast<int>(p - chip.layers.data()) : -1);
    }
    lm.output_elements = workload::element_count(layer.out_shape);
    lm.input_elements = layer.inputs.front() == workload::Layer::kNetworkInput
                            ? workload::element_count(qnet.net->input_shape)
                            : workload::element_count(qnet.net->layers[static_cast<std::size_t>(layer.inputs.front())].out_shape);
    const int cols_per_output = lm.weight_slices * P;
    lm.outputs_per_col_block = usable_cols / cols_per_output;
    if (lm.outputs_per_col_block == 0)
      arch.array_params.fail("cols", "layer '" + lm.name + "' needs " + std::to_string(cols_per_output) +
                                         " columns per output (" + std::to_string(lm.weight_slices) + " slices x " +
                                         std::to_string(P) + "), more than an array has");
    lm.row_blocks = (lm.in + arch.rows - 1) / arch.rows;
    lm.col_blocks = (lm.out + lm.outputs_per_col_block - 1) / lm.outputs_per_col_block;

    const int layer_map_index = static_cast<int>(chip.layers.size());
    for (int rb = 0; rb < lm.row_blocks; ++rb) {
      for (int cb = 0; cb < lm.col_blocks; ++cb) {
        ArrayMap a;
        a.layer = q.layer;
        a.layer_map = layer_map_index;
        a.row_block = rb;
        a.col_block = cb;
        a.row_begin = rb * arch.rows;
        a.rows = std::min(arch.rows, lm.in - a.row_begin);
        a.output_begin = cb * lm.outputs_per_col_block;
        a.outputs = std::min(lm.outputs_per_col_block, lm.out - a.output_begin);
        fill_array(a, lm, q, arch);
        lm.arrays.push_back(static_cast<int>(chip.arrays.size()));
        chip.arrays.push_back(std::move(a));
      }
    }
    chip.layers.push_back(std::move(lm));
  }

  place_on_tiles(chip);
  return chip;
}

}  // namespace cimsim::mapping
