#pragma once
// Layers onto arrays, exactly as docs/design.md §4 states: weight magnitudes cut into digits of
// bits_per_cell bits (one cell each), a sign encoding (differential pairs or an offset), inputs
// cut into DAC-wide slices, and layers larger than an array split into row and column blocks.
// Both engines work from this one description.

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/mapping/architecture.hpp"
#include "sim/mapping/conversion_groups.hpp"
#include "sim/workload/quantize.hpp"

namespace cimsim::mapping {

using MatrixXu8 = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;

// One ADC conversion per read: the current of column `plus`, minus column `minus` in analog (a
// differential pair) or the array's reference column, weighed by sign·2^(weight_slice·cb).
struct Readout {
  std::int32_t plus = -1;
  std::int32_t minus = -1;  // −1: none
  std::int32_t output = 0;  // output index within the layer
  std::int16_t weight_slice = 0;
  std::int8_t sign = 1;
};

// One input slice: digit = (code_u >> shift) & (2^width − 1), weighed by ±2^shift. With polarity
// inputs (readout.input_sign) the digit is cut from |x| and carries the sign of x.
struct InputSlice {
  int shift = 0;
  int width = 1;
  bool negative = false;  // the sign bit of a two's-complement input
  double weight() const { return (negative ? -1.0 : 1.0) * std::ldexp(1.0, shift); }
};

struct ArrayMap {
  int layer = 0;        // network layer index
  int layer_map = 0;    // index into ChipMap::layers
  int row_block = 0, col_block = 0;
  int row_begin = 0, rows = 0;  // the inputs this array holds
  int output_begin = 0, outputs = 0;
  int columns = 0;              // physical columns in use, reference column included
  int reference_column = -1;
  std::vector<Readout> readouts;
  // ADC conversions per read: groups of readouts converted together (one each, or the slice columns
  // of one weight and polarity combined in analog, readout.weight_bits: combine), lowest slice first.
  ConversionGroups conversions;
  MatrixXu8 digits;  // rows × columns target digits
  int tile = 0, slot = 0;
  int copy = 0;  // which copy of its layer's weights (LayerMap::copies) it belongs to

  // Reads per input slice when only rows_per_read rows are active at once.
  int sub_reads(const Architecture& a) const {
    return a.rows_per_read > 0 ? (rows + a.rows_per_read - 1) / a.rows_per_read : 1;
  }
  // Rows active in sub-read `k`.
  int rows_in_read(const Architecture& a, int k) const {
    if (a.rows_per_read <= 0) return rows;
    return std::min(a.rows_per_read, rows - k * a.rows_per_read);
  }
};

// Geometry of a convolution lowered to matrix form (im2col): one input vector per output pixel,
// in_channels/groups · kernel_h · kernel_w elements long. All zero for dense layers.
struct ConvGeometry {
  int in_channels = 0, in_h = 0, in_w = 0;
  int out_channels = 0, out_h = 0, out_w = 0;
  int kernel_h = 0, kernel_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  int dilation_h = 1, dilation_w = 1, groups = 1;
};

// Work a layer does in the tile's digital units per sample (pooling, residual adds, concat,
// requantization of digital layers). Both engines count these; the timing engine schedules them.
struct DigitalWork {
  std::int64_t adds = 0, compares = 0, mults = 0;
};

// One step of the network as the chip runs it. Matrix layers run on arrays; digital layers
// (kind == Digital: pooling, residual add, concat, ...) run in a tile's digital units and have no
// arrays, blocks or slices.
struct LayerMap {
  enum class Kind { Matrix, Digital };
  Kind kind = Kind::Matrix;
  std::string op = "dense";  // network op name (dense, conv, maxpool, add, ...)
  int layer = 0;  // network layer index
  std::string name;
  std::vector<int> producers;  // indices into ChipMap::layers feeding this one (−1: network input)
  int tile = 0;                // digital layers: the tile whose digital unit runs it
  ConvGeometry conv;           // convolutions only
  DigitalWork digital;         // per sample
  int in = 0, out = 0;
  int weight_bits = 8, activation_bits = 8;
  bool input_signed = false;
  bool zero_point_correction = false;  // inputs carry a zero point, removed digitally per output
  bool output_scaling = false;         // outputs rescaled digitally (drift compensation)
  int weight_slices = 0;
  std::vector<InputSlice> input_slices;
  // Input slices converted together: one group per slice, or all of them accumulated in analog
  // (readout.input_bits: accumulate).
  std::vector<std::vector<int>> slice_groups;
  bool polarity = false;  // signed inputs driven as magnitude and pulse polarity
  int adc_bits = 0;       // bits its conversions resolve when adc.layers sets them; 0: adc.bits
  int resolution(int adc_bits_built) const { return adc_bits > 0 ? adc_bits : adc_bits_built; }
  // Per slice group, the bits adc.significance_bits gives it (0: the layer's resolution), capped
  // by the layer's resolution.
  std::vector<int> group_bits;
  int group_resolution(int group, int adc_bits_built) const {
    const int layer = resolution(adc_bits_built);
    const int g = group < static_cast<int>(group_bits.size()) ? group_bits[static_cast<std::size_t>(group)] : 0;
    return g > 0 && g < layer ? g : layer;
  }
  // Binary weights (weight_bits 1: ±1) under the offset encoding store (w + 1)/2: each stored digit
  // weighs 2 and Σx comes off. Otherwise 1.
  int digit_weight = 1;
  int row_blocks = 0, col_blocks = 0;
  int outputs_per_col_block = 0;
  std::int64_t vectors_per_sample = 1;
  std::int64_t input_elements = 0, output_elements = 0;  // feature map sizes per sample
  // Into ChipMap::arrays, row block major. Blocks whose weights are all zero (off the diagonal of
  // a grouped convolution) have no array; each column block keeps its first row block.
  std::vector<int> arrays;
  // A recurrent step reads the arrays of step 0 (this index into ChipMap::layers) again: `arrays`
  // are that layer's, and the step owns none (placement and programming skip it). −1: own arrays.
  int array_source = -1;
  // A product of two activations on arrays (mapping.activation_products: arrays): no weights are
  // programmed with the chip; every vectors_per_write vectors (the rows of one batch element's
  // first operand) its arrays are written with that element's second operand first.
  bool written = false;
  std::int64_t vectors_per_write = 0;
  // Weight duplication (mapping.copies): the layer's weights are held `copies` times; copy k
  // computes the units u (numbered across the run's samples) with u mod copies = k. `arrays` is
  // copy 0; copy_arrays holds copies 1 … copies − 1, each laid out as `arrays`, one after another.
  int copies = 1;
  std::vector<int> copy_arrays;
  // The arrays of copy `k`, in the order of `arrays`.
  std::vector<int> arrays_of_copy(int k) const;
  // Arrays every copy together occupies.
  std::int64_t placed_arrays() const { return static_cast<std::int64_t>(arrays.size()) * copies; }
};

// Multiply-accumulates per sample a written layer does on its arrays (vectors × in × out); 0 for
// other layers, whose MACs the network counts (workload::Layer::macs_per_sample).
inline std::int64_t written_macs(const LayerMap& lm) {
  return lm.written ? lm.vectors_per_sample * lm.in * lm.out : 0;
}

// adc.significance_bits spread over a layer's slice groups (LayerMap::group_bits): groups ranked
// by the weight of their most significant bit, a sign slice above all; the k-th most significant
// takes entry k, or the last entry past the list's end. Empty when `bits` is.
std::vector<int> significance_group_bits(const LayerMap& lm, const std::vector<int>& bits);

struct ChipMap {
  Architecture arch;
  int dac_bits = 1;
  std::vector<LayerMap> layers;  // every layer of the network the chip runs, network order
  std::vector<ArrayMap> arrays;
  int tiles_used = 0;

  std::int64_t cells_used() const;
  std::int64_t written_macs() const;  // Σ over the layers of mapping::written_macs
  std::int64_t copy_array_count() const;  // arrays that hold second and later copies (LayerMap::copies)
  const LayerMap* find_layer(int network_layer) const;
  bool is_matrix(std::size_t i) const { return layers[i].kind == LayerMap::Kind::Matrix; }
};

// Number of weight slices for a weight width under an encoding (docs/design.md §4); weight_bits 1 is a
// binary ±1 weight, one slice.
int weight_slices(int weight_bits, int bits_per_cell, Encoding e);
// Input slices for an activation width, DAC width and signedness; `polarity` cuts a signed input's
// magnitude (ab − 1 bits) with no sign slice.
std::vector<InputSlice> input_slices(int activation_bits, int dac_bits, bool is_signed, bool polarity = false);
// Whether a layer's conversions see signed values: analog W+ − W− pairs, or signed inputs driven
// by polarity or accumulated with their negative sign slice.
bool signed_conversion(const Architecture& arch, const LayerMap& lm);
// Σ over a slice group of |weight|·(2^width − 1), in units of the group's first slice weight: the
// largest input level the accumulated conversion sees.
double slice_group_levels(const LayerMap& lm, int group);
// Σ over the readouts of one conversion of their relative weights 2^((k − k_first)·cb): the
// largest digit sum per unit digit the combined conversion sees is this times (2^cb − 1).
double conversion_digit_weight(const Architecture& arch, const LayerMap& lm);
// Fails at the adc.layers entry that names no matrix layer of `chip`.
void check_adc_layers(const ChipMap& chip);

// The weight-independent parts of mapping a matrix layer, for mappers that have only shapes:
// slices and blocks of a layer whose in, out, weight and activation bits and signedness are set
// (fails at array.cols when an output's columns do not fit), and one array's rows, outputs,
// columns and readouts (no digits).
void plan_matrix_layer(LayerMap& lm, const Architecture& arch, int dac_bits);
ArrayMap layout_array(const LayerMap& lm, const Architecture& arch, int layer_map_index, int row_block, int col_block);

// Maps every matrix layer. Fails (ConfigError at the key that limits it) when an output's columns
// do not fit one array, a cell cannot hold bits_per_cell, or the network needs more arrays than
// the chip has. Without `keep_digits` the arrays carry no digits (a byte per cell): array_digits()
// gives one array's when it is needed.
ChipMap map_network(const workload::QuantizedNetwork& qnet, const Architecture& arch, int dac_bits,
                    int max_bits_per_cell, bool keep_digits = true);

// The target digits (rows × columns) of array `a` of layer map `lm`, from its quantized weights.
MatrixXu8 array_digits(const ArrayMap& a, const LayerMap& lm, const workload::QuantLayer& q, const Architecture& arch);
// The target digits of array `a` of `chip`: the map's own, or, for a map made without them, those
// array_digits() computes from `qnet` into `scratch`; empty when neither is at hand.
const MatrixXu8& digits_of(const ChipMap& chip, const ArrayMap& a, const workload::QuantizedNetwork* qnet,
                           MatrixXu8& scratch);

}  // namespace cimsim::mapping
