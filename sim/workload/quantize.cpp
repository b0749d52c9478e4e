#include "sim/workload/quantize.hpp"

#include "sim/workload/quantize_options.hpp"

#include <algorithm>
#include <cmath>

#include "sim/config/schema.hpp"
#include "sim/functional/reference.hpp"
#include "sim/workload/activation_product.hpp"
#include "sim/workload/sign_analysis.hpp"
#include "sim/workload/weight_quantizer.hpp"

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
