#pragma once
// Forward passes that need no hardware: the float network as trained, and the quantized network
// with exact integer matrix products. The on-chip pass (crossbar.hpp) shares the same walk over
// the graph and replaces only the matrix products.

#include <Eigen/Dense>

#include <functional>
#include <vector>

#include "sim/workload/network.hpp"
#include "sim/workload/quantize.hpp"

namespace cimsim::functional {

// A batch of tensors: one column per sample, features flattened in C order.
using Batch = Eigen::MatrixXf;

// Computes a matrix layer's output before its activation, bias included.
using MatrixStep = std::function<Batch(int layer, const Batch& input)>;

// Computes a product of two activations (workload::activation_product) from its two operands, when
// it runs on arrays written per input; without one it runs as its digital operator.
using ProductStep = std::function<Batch(int layer, const Batch& a, const Batch& b)>;

// Walks the graph in order; returns every layer's output (after its activation). Without
// `keep_all` an output is freed once its last reader has run (the last layer's is kept).
std::vector<Batch> forward(const workload::Network& net, const Batch& x, const MatrixStep& step,
                           const ProductStep& product = nullptr, bool keep_all = true);

// The float network: W·x + b in single precision.
Batch float_logits(const workload::Network& net, const Batch& x);
// Every layer's float output (indexed by layer), for calibration.
std::vector<Batch> float_outputs(const workload::Network& net, const Batch& x);
// Runs the float network and shows `visit` each matrix layer's float input (per sample, before
// lowering), for calibration; outputs are freed once read, so only what is live is held.
void visit_float_layer_inputs(const workload::Network& net, const Batch& x,
                              const std::function<void(int layer, const Batch& input)>& visit);

// Integer matrix product of one layer: y (out × V) from input codes (in × V), one column per input
// vector. The backend sees the global number of the first vector (sample × vectors per sample +
// pixel), so per-read random draws follow the vector, whatever batch it is in.
class MatrixBackend {
 public:
  virtual ~MatrixBackend() = default;
  virtual Eigen::MatrixXd multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                   std::int64_t first_vector) = 0;
  // The same for a written layer (QuantLayer::written): `q.w` holds this input's second operand,
  // written into the layer's arrays as write number `write` (sample-major, then batch element)
  // before its vectors are read. Backends without arrays compute it as any product.
  virtual Eigen::MatrixXd multiply_written(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                           std::int64_t first_vector, std::int64_t write) {
    (void)write;
    return multiply(q, codes, first_vector);
  }
  // Whether a layer's vectors may come in several calls with the same outcome, as they do when
  // each vector's product is its own (a backend that reduces over the vectors of one call, as
  // drift compensation does, may not).
  virtual bool splits_vectors() const { return false; }
};

// Exact W·x: the ideal-quantized reference.
class ExactBackend : public MatrixBackend {
 public:
  Eigen::MatrixXd multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                           std::int64_t first_vector) override;
  bool splits_vectors() const override { return true; }
};

// Input codes of a layer for a float batch.
Eigen::MatrixXi input_codes(const workload::QuantLayer& q, const Batch& input);

// Sees each matrix product of a quantized pass: the layer, its float input (per sample, before
// lowering), and the integer products the backend returned (outputs × vectors, zero point not
// yet removed).
using MatrixObserver = std::function<void(int layer, const Batch& input, const Eigen::MatrixXd& products)>;

// The quantized network with `backend` doing the matrix products: inputs quantized per layer,
// products dequantized with the weight and input scales, bias added digitally.
Batch quantized_logits(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                       MatrixBackend& backend, const MatrixObserver& observe = nullptr);
// The same pass, every layer's output (after its activation), indexed by layer.
std::vector<Batch> quantized_outputs(const workload::QuantizedNetwork& qnet, const Batch& x, std::int64_t first_sample,
                                     MatrixBackend& backend, const MatrixObserver& observe = nullptr);

// quantized_logits() runs a layer a group of samples at a time when what one call holds for the
// whole batch would pass this many bytes (64 MiB): its lowered input codes (a VGG-16 image's first
// convolutions alone lower to 115 MB) or its products, in double, and their dequantized copy (51 MB
// per image for VGG-16's first convolution). A full run's memory follows a layer's, not the
// batch's. Tests lower it.
std::int64_t& layer_group_bytes();

// Index of the largest logit per sample (lowest index on ties).
std::vector<std::int64_t> argmax(const Batch& logits);

}  // namespace cimsim::functional
