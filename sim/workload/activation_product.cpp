#include "sim/workload/activation_product.hpp"

namespace cimsim::workload {

std::optional<models::ActivationMatMul> activation_product(const Layer& layer) {
  if (layer.op != Op::Operator || !layer.op_impl || layer.inputs.size() != 2) return std::nullopt;
  return models::activation_matmul(*layer.op_impl);
}

}  // namespace cimsim::workload
