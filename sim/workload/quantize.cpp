#include "sim/workload/quantize.hpp"

#include "sim/workload/quantize_options.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/config/schema.hpp"
#include "sim/functional/reference.hpp"
#include "sim/util/rounding.hpp"
#include "sim/workload/activation_product.hpp"
#include "sim/workload/file_weights.hpp"
#include "sim/workload/sign_analysis.hpp"

namespace cimsim::workload {

namespace {

config::SectionSpec quantization_section() {
  config::SectionSpec s("quantization", "How the float network becomes integers (docs/design.md §4)");
  s.order(20);
  s.integer("weight_bits", 8, "bit", "Signed weight width; range ±(2^(wb−1)−1); 1 = binary weights ±1").range(1, 16);
  s.integer("activation_bits", 8, "bit", "Width of every matrix layer's input codes").range(1, 16);
  s.choice("weight_scale", "per_tensor", {"per_tensor", "per_channel"},
           "One weight scale per layer, or one per output channel");
  s.choice("activation_range", "max", {"max", "percentile"},
           "How the calibration batch sets each layer's input range");
  s.real("activation_percentile", 99.99, "%", "Percentile of |input| used when activation_range is percentile")
      .range(50, 100);
  config::SectionSpec per_layer("layer", "Per-layer overrides");
  per_layer.integer("weight_bits", 8, "bit", "Signed weight width of this layer; 1 = binary ±1").range(1, 16);
  per_layer.integer("activation_bits", 8, "bit", "Input width of this layer").range(1, 16);
  s.keyed("layers", per_layer, "Overrides for the layers named, e.g. layers: {fc1: {weight_bits: 4}}");
  return s;
}
const config::SectionRegistrar registered(quantization_section);

double range_of(std::vector<float>& values, const std::string& mode, double percentile) {
  if (values.empty()) return 0.0;
  if (mode == "max") return *std::max_element(values.begin(), values.end());
  const std::size_t k = std::min(values.size() - 1,
                                 static_cast<std::size_t>(std::ceil(percentile / 100.0 * values.size())) - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

// Binary weights: the sign, zero counting as +1, scaled by the mean magnitude (per channel or per
// tensor), as XNOR-Net does (Rastegari et al., ECCV 2016).
void binarize_weights(QuantLayer& ql, const Eigen::MatrixXf& weight, bool per_channel) {
  const Eigen::VectorXf row_mean = weight.cwiseAbs().rowwise().mean();
  const double tensor_mean = weight.cwiseAbs().mean();
  ql.w_scale.resize(weight.rows());
  ql.w = WeightCodes::zeros(weight.rows(), weight.cols(), 1);
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> signs(weight.cols());
  for (Eigen::Index o = 0; o < weight.rows(); ++o) {
    const double m = per_channel ? row_mean(o) : tensor_mean;
    ql.w_scale(o) = m > 0 ? m : 1.0;
    for (Eigen::Index i = 0; i < weight.cols(); ++i) signs(i) = weight(o, i) < 0 ? -1 : 1;
    ql.w.set_row(o, 0, signs.data(), weight.cols());
  }
}

// A weight's code before clamping: round half away from zero (docs/design.md §4). The one
// expression for the codes, the bits of weights left in the file and codes_nonzero().
inline double rounded_code(float w, double scale) { return util::round_half_away(w / scale); }
// The code itself, clamped to ±wmax.
inline std::int32_t weight_code(float w, double scale, int wmax) {
  return static_cast<std::int32_t>(std::clamp<double>(rounded_code(w, scale), -wmax, wmax));
}

// Per-output scales m / wmax from the largest magnitudes of the rows.
void set_weight_scales(QuantLayer& ql, const Eigen::VectorXf& row_max, bool per_channel) {
  const int wmax = ql.weight_max();
  const double tensor_max = row_max.size() > 0 ? row_max.maxCoeff() : 0.0f;
  ql.w_scale.resize(row_max.size());
  for (Eigen::Index o = 0; o < row_max.size(); ++o) {
    double m = per_channel ? row_max(o) : tensor_max;
    if (m <= 0) m = 1.0;  // an all-zero row stays zero at any scale
    ql.w_scale(o) = m / wmax;
  }
}

// The smallest float magnitude whose code at `scale` is not zero: rounded_code(w, scale) ≠ 0
// exactly when |w| / scale ≥ 0.5 in double arithmetic, which grows with |w|; so a comparison per
// weight replaces a division, with the same outcome for every float.
float least_nonzero_magnitude(double scale) {
  const auto nonzero = [&](float a) { return rounded_code(a, scale) != 0; };
  float a = static_cast<float>(std::min(0.5 * scale, static_cast<double>(std::numeric_limits<float>::max())));
  while (a > 0.0f && nonzero(std::nextafter(a, 0.0f))) a = std::nextafter(a, 0.0f);
  while (!nonzero(a) && a < std::numeric_limits<float>::infinity())
    a = std::nextafter(a, std::numeric_limits<float>::infinity());
  return a;
}

// Sets bit first + j of `bits` for every |v[j]| ≥ least, j < n: 32 comparisons to a word, a loop
// that vectorises (VGG-16 has 138 M weights), then shifted into place.
void set_nonzero_bits(std::vector<std::uint64_t>& bits, std::int64_t first, const float* v, std::int64_t n,
                      float least) {
  std::int64_t j = 0;
  for (; j + 32 <= n; j += 32) {
    std::uint32_t word = 0;
    for (int k = 0; k < 32; ++k) word |= std::uint32_t{std::fabs(v[j + k]) >= least} << k;
    if (word == 0) continue;
    const std::int64_t at = first + j;
    const int shift = static_cast<int>(at & 63);
    bits[static_cast<std::size_t>(at >> 6)] |= std::uint64_t{word} << shift;
    if (shift > 32) bits[static_cast<std::size_t>(at >> 6) + 1] |= std::uint64_t{word} >> (64 - shift);
  }
  for (; j < n; ++j)
    if (std::fabs(v[j]) >= least) bits[static_cast<std::size_t>((first + j) >> 6)] |= std::uint64_t{1} << ((first + j) & 63);
}

// Weights left in the model file, without codes: the scales from the rows' ranges, and one bit
// per weight for codes_nonzero(), from one pass over the file.
void scale_file_weights(QuantLayer& ql, const FileWeights& fw, bool per_channel) {
  set_weight_scales(ql, fw.row_abs_max(), per_channel);
  const std::int64_t cols = fw.cols();
  ql.nonzero_bits.assign(static_cast<std::size_t>((fw.rows() * cols + 63) / 64), 0);
  fw.for_each_row([&](std::int64_t o, const float* v) {
    set_nonzero_bits(ql.nonzero_bits, o * cols + fw.first_column(o), v, fw.row_length(),
                     least_nonzero_magnitude(ql.w_scale(o)));
  });
}

// Weights left in the model file, with codes: the scales from the rows' ranges, the codes row by
// row from the file, never the layer's whole float matrix (VGG-16's first dense layer is 411 MB).
void code_file_weights(QuantLayer& ql, const FileWeights& fw, bool per_channel) {
  set_weight_scales(ql, fw.row_abs_max(), per_channel);
  const int wmax = ql.weight_max();
  ql.w = WeightCodes::zeros(fw.rows(), fw.cols(), wmax);
  std::vector<std::int32_t> row(static_cast<std::size_t>(fw.row_length()));
  fw.for_each_row([&](std::int64_t o, const float* v) {
    const double scale = ql.w_scale(o);
    for (std::int64_t j = 0; j < fw.row_length(); ++j) row[static_cast<std::size_t>(j)] = weight_code(v[j], scale, wmax);
    ql.w.set_row(o, fw.first_column(o), row.data(), fw.row_length());
  });
}

// Symmetric weights; the codes only when `codes` (QuantizeOptions::weight_codes).
void quantize_weights(QuantLayer& ql, const Layer& layer, bool per_channel, bool codes) {
  if (layer.file_weights && ql.weight_bits > 1) {
    if (codes) code_file_weights(ql, *layer.file_weights, per_channel);
    else scale_file_weights(ql, *layer.file_weights, per_channel);
    return;
  }
  Eigen::MatrixXf scratch;
  const Eigen::MatrixXf& weight = weights_of(layer, scratch);
  if (ql.weight_bits == 1) {
    binarize_weights(ql, weight, per_channel);
    if (!codes) ql.w = WeightCodes();
    return;
  }
  const int wmax = ql.weight_max();
  set_weight_scales(ql, weight.cwiseAbs().rowwise().maxCoeff(), per_channel);
  if (!codes) return;
  ql.w = WeightCodes::zeros(weight.rows(), weight.cols(), wmax);
  // Down the columns: the matrices are column-major. round_half_away, not std::round (a library
  // call per weight), so that the loop vectorises: VGG-16 has 138 M weights.
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> column(weight.rows());
  for (Eigen::Index i = 0; i < weight.cols(); ++i) {
    for (Eigen::Index o = 0; o < weight.rows(); ++o) column(o) = weight_code(weight(o, i), ql.w_scale(o), wmax);
    ql.w.set_col(i, column);
  }
}

// A QDQ model's integer weights, kept as they are, at the narrowest width whose symmetric range
// ±(2^(wb−1)−1) holds them (at least 2 bits): codes within ±7 map as 4-bit weights, an int8 code
// of −128 as a 9-bit weight (its magnitude needs 8 bits).
void take_weight_codes(QuantLayer& ql, const Layer& layer) {
  const int largest = layer.weight_codes.cwiseAbs().maxCoeff();
  int bits = 2;
  while ((1 << (bits - 1)) - 1 < largest) ++bits;
  ql.weight_bits = bits;
  ql.w = layer.weight_codes.cast<std::int32_t>();
  ql.w_scale = layer.weight_code_scale;
}

void take_input_quantizer(QuantLayer& ql, const FixedQuant& fq) {
  ql.activation_bits = fq.bits();
  ql.input_signed = fq.q_min < 0;
  ql.input_min = fq.q_min;
  ql.input_max = fq.q_max;
  ql.input_zero_point = fq.zero_point;
  ql.input_scale = fq.scale;
  ql.round_half_even = true;
}

std::vector<float> magnitudes(const Eigen::MatrixXf& x) {
  std::vector<float> mags(static_cast<std::size_t>(x.size()));
  for (Eigen::Index k = 0; k < x.size(); ++k) mags[static_cast<std::size_t>(k)] = std::fabs(x.data()[k]);
  return mags;
}

// Input codes of range `r` (1 when r ≤ 0), signed or not.
void set_input_range(QuantLayer& ql, bool input_signed, double r) {
  ql.input_signed = input_signed;
  if (r <= 0) r = 1.0;
  const int ab = ql.activation_bits;
  if (ql.input_signed) {
    ql.input_max = (1 << (ab - 1)) - 1;
    ql.input_min = -(1 << (ab - 1));
    ql.input_scale = r / std::max(1, ql.input_max);
  } else {
    ql.input_max = (1 << ab) - 1;
    ql.input_min = 0;
    ql.input_scale = r / ql.input_max;
  }
}

// What the calibration batch says of a layer input: whether anything negative was seen, and its
// range (the largest magnitude, or its percentile).
struct InputRange {
  bool is_signed = false;
  double range = 0;
};
InputRange measure_input(const Eigen::MatrixXf& x, const std::string& mode, double percentile) {
  std::vector<float> mags = magnitudes(x);
  return {x.size() > 0 && x.minCoeff() < 0.0f, range_of(mags, mode, percentile)};
}

void calibrate_input(QuantLayer& ql, const Eigen::MatrixXf& x, const std::string& mode, double percentile) {
  const InputRange r = measure_input(x, mode, percentile);
  set_input_range(ql, r.is_signed, r.range);
}

// Widths from the section and the layer's overrides.
void take_widths(QuantLayer& ql, const Layer& layer, const config::Params& quant,
                 const std::vector<std::pair<std::string, const config::Params*>>& overrides) {
  ql.weight_bits = static_cast<int>(quant.integer("weight_bits"));
  ql.activation_bits = static_cast<int>(quant.integer("activation_bits"));
  for (const auto& [name, p] : overrides) {
    if (name != layer.name) continue;
    if (p->has("weight_bits")) ql.weight_bits = static_cast<int>(p->integer("weight_bits"));
    if (p->has("activation_bits")) ql.activation_bits = static_cast<int>(p->integer("activation_bits"));
  }
}

// A written layer for every product of two activations: A's rows are the inputs, calibrated as a
// matrix layer's are; B becomes signed symmetric weight codes with one scale per tensor, r_B /
// (2^(wb−1) − 1), r_B the largest |B| (or its percentile) over the calibration batch. Binary weights
// are not offered: the sign of B with a mean-magnitude scale loses B's magnitudes per input.
void add_written_products(QuantizedNetwork& q, const Network& net, const Dataset& calibration, const config::Params& quant,
                          const std::vector<std::pair<std::string, const config::Params*>>& overrides) {
  std::vector<int> products;
  for (std::size_t li = 0; li < net.layers.size(); ++li)
    if (activation_product(net.layers[li])) products.push_back(static_cast<int>(li));
  if (products.empty()) return;
  const auto outputs = functional::float_outputs(net, calibration.inputs);
  const auto& of = [&](int producer) -> const Eigen::MatrixXf& {
    return producer == Layer::kNetworkInput ? calibration.inputs : outputs[static_cast<std::size_t>(producer)];
  };
  const std::string mode = quant.text("activation_range");
  const double percentile = quant.real("activation_percentile");
  for (int li : products) {
    const Layer& layer = net.layers[static_cast<std::size_t>(li)];
    QuantLayer ql;
    ql.layer = li;
    ql.written = true;
    take_widths(ql, layer, quant, overrides);
    if (ql.weight_bits < 2)
      quant.fail("weight_bits", "layer '" + layer.name + "' multiplies two activations on arrays " +
                                    "(mapping.activation_products: arrays) and needs weights of at least 2 bits");
    calibrate_input(ql, of(layer.inputs[0]), mode, percentile);
    std::vector<float> mags = magnitudes(of(layer.inputs[1]));
    double r = range_of(mags, mode, percentile);
    if (r <= 0) r = 1.0;  // an all-zero operand stays zero at any scale
    ql.operand_scale = r / ql.weight_max();
    const auto shape = activation_product(layer);
    ql.w_scale = Eigen::VectorXd::Constant(shape->n, ql.operand_scale);
    q.index[static_cast<std::size_t>(li)] = static_cast<int>(q.layers.size());
    q.layers.push_back(std::move(ql));
  }
}

// Whether every matrix layer's input is the network input, comes from a layer that never outputs
// a negative value, or has the model's own quantizer; recurrent steps, whose inputs are joined,
// are left to the float pass.
bool input_signs_proven(const Network& net) {
  const std::vector<bool> nonnegative = nonnegative_outputs(net);
  for (const Layer& l : net.layers) {
    if (!l.is_matrix() || l.input_quant) continue;
    if (l.weight_source >= 0 || l.steps > 1) return false;
    const int p = l.inputs.front();
    if (p != Layer::kNetworkInput && !nonnegative[static_cast<std::size_t>(p)]) return false;
  }
  return true;
}

}  // namespace

bool codes_nonzero(const QuantLayer& q, const Layer& layer, int row_begin, int rows, int out_begin, int outs) {
  if (!codes_omitted(q)) return q.w.any_nonzero(out_begin, row_begin, outs, rows);
  if (q.weight_bits == 1) return true;  // binary codes are ±1
  if (!q.nonzero_bits.empty()) {
    const std::int64_t cols = layer.in_features();
    for (std::int64_t o = out_begin; o < out_begin + outs; ++o)
      for (std::int64_t b = o * cols + row_begin, end = b + rows; b < end;) {
        const std::int64_t word = b >> 6, lo = b & 63, n = std::min<std::int64_t>(64 - lo, end - b);
        const std::uint64_t mask = (n == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1)) << lo;
        if ((q.nonzero_bits[static_cast<std::size_t>(word)] & mask) != 0) return true;
        b += n;
      }
    return false;
  }
  for (int i = row_begin; i < row_begin + rows; ++i)
    for (int o = out_begin; o < out_begin + outs; ++o)
      if (rounded_code(layer.weight(o, i), q.w_scale(o)) != 0) return true;
  return false;
}

QuantizedNetwork quantize(const Network& net, const Dataset& calibration, const config::Params& quant,
                          bool products_on_arrays) {
  QuantizeOptions options;
  options.products_on_arrays = products_on_arrays;
  return quantize(net, calibration, quant, options);
}

QuantizedNetwork quantize(const Network& net, const Dataset& calibration, const config::Params& quant,
                          const QuantizeOptions& options) {
  const bool products_on_arrays = options.products_on_arrays;
  QuantizedNetwork q;
  q.net = &net;
  q.activation_bits = static_cast<int>(quant.integer("activation_bits"));
  q.index.assign(net.layers.size(), -1);

  // Per-layer overrides, checked against the layer names.
  std::vector<std::pair<std::string, const config::Params*>> overrides;
  for (const auto& entry : quant.keyed("layers")) {
    // Named, not a structured binding: a lambda may not capture those before C++20 (clang says so).
    const std::string& name = entry.first;
    const config::Params& p = entry.second;
    const bool known = std::any_of(net.layers.begin(), net.layers.end(), [&](const Layer& l) {
      return l.name == name && (l.is_matrix() || (products_on_arrays && activation_product(l)));
    });
    if (!known) p.fail_section("no matrix layer named '" + name + "' in " + net.source);
    overrides.emplace_back(name, &p);
  }

  // Every matrix layer's float input over the calibration batch; for an estimate without input
  // scales, only where the graph leaves an input's sign open (sign_analysis.hpp).
  // Each input is measured as the pass reaches it and then dropped; the steps of a recurrent
  // product share one input quantizer, so their inputs are kept and measured together below.
  const bool float_pass = options.input_scales || !input_signs_proven(net);
  const std::string mode = quant.text("activation_range");
  const double percentile = quant.real("activation_percentile");
  std::vector<bool> recurrent(net.layers.size(), false);
  for (std::size_t k = 0; k < net.layers.size(); ++k)
    if (net.layers[k].weight_source >= 0)
      recurrent[k] = recurrent[static_cast<std::size_t>(net.layers[k].weight_source)] = true;
  std::vector<InputRange> ranges(net.layers.size());
  std::vector<Eigen::MatrixXf> recurrent_inputs(net.layers.size());
  if (float_pass)
    functional::visit_float_layer_inputs(net, calibration.inputs, [&](int li, const Eigen::MatrixXf& in) {
      if (recurrent[static_cast<std::size_t>(li)]) recurrent_inputs[static_cast<std::size_t>(li)] = in;
      else ranges[static_cast<std::size_t>(li)] = measure_input(in, mode, percentile);
    });

  for (int li : net.matrix_layers()) {
    const Layer& layer = net.layers[li];
    QuantLayer ql;
    if (layer.weight_source >= 0) {
      // A recurrent step: the weights, widths and input quantizer of step 0, set below.
      ql = q.of(layer.weight_source);
      ql.layer = li;
      q.index[li] = static_cast<int>(q.layers.size());
      q.layers.push_back(std::move(ql));
      continue;
    }
    ql.layer = li;
    take_widths(ql, layer, quant, overrides);
    if (layer.weight_codes.size() > 0) {
      take_weight_codes(ql, layer);
    } else {
      quantize_weights(ql, layer, quant.text("weight_scale") == "per_channel", options.weight_codes);
    }
    if (layer.input_quant) {
      take_input_quantizer(ql, *layer.input_quant);
    } else if (!float_pass) {
      // Proven never negative, or the network input itself (its sign read from the batch).
      if (layer.inputs.front() == Layer::kNetworkInput)
        calibrate_input(ql, calibration.inputs, mode, percentile);
      else
        set_input_range(ql, false, 0.0);
    } else if (!recurrent[static_cast<std::size_t>(li)]) {
      set_input_range(ql, ranges[static_cast<std::size_t>(li)].is_signed, ranges[static_cast<std::size_t>(li)].range);
    } else {
      // The steps of a recurrent product share arrays and one input quantizer: calibrate on the
      // inputs of every step.
      Eigen::MatrixXf x = std::move(recurrent_inputs[static_cast<std::size_t>(li)]);
      for (std::size_t k = li + 1; k < net.layers.size(); ++k)
        if (net.layers[k].weight_source == li) {
          const Eigen::MatrixXf& more = recurrent_inputs[k];
          Eigen::MatrixXf joined(x.rows(), x.cols() + more.cols());
          joined << x, more;
          x = std::move(joined);
        }
      calibrate_input(ql, x, mode, percentile);
    }
    ql.w_row_sums = ql.w.row_sums();
    q.index[li] = static_cast<int>(q.layers.size());
    q.layers.push_back(std::move(ql));
  }
  q.products_on_arrays = products_on_arrays;
  if (products_on_arrays) add_written_products(q, net, calibration, quant, overrides);
  return q;
}

}  // namespace cimsim::workload
