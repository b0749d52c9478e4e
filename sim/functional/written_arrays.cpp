// Arrays rewritten per input (LayerMap::written): each product of two activations writes its second
// operand into the layer's arrays through the cell model, then reads the first operand's rows
// through them with the same machinery as any layer (docs/semantics.md).

#include "sim/functional/crossbar.hpp"
#include "sim/functional/read_energy.hpp"

namespace cimsim::functional {

Eigen::MatrixXd CrossbarBackend::multiply_written(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                                  std::int64_t first_vector, std::int64_t write) {
  const auto l = static_cast<std::size_t>(chip_.find_layer(q.layer) - chip_.layers.data());
  const auto blocks = programmed_.written_row_blocks(l, q, static_cast<std::uint64_t>(write) + 1, threads_);
  const RowLevels before = activity_.row_levels[l];
  Eigen::MatrixXd y = run_layer(q, codes, first_vector, 1, [&](std::size_t) { return blocks; });

  // What this write put into the cells, and what its own reads cost on its own conductances (the
  // rows' drives of this call: the layer's counts now less those before it).
  if (activity_.written_levels.size() < chip_.layers.size()) activity_.written_levels.resize(chip_.layers.size());
  if (activity_.written_cell_pj.size() < chip_.layers.size()) activity_.written_cell_pj.resize(chip_.layers.size());
  std::vector<std::int64_t>& levels = activity_.written_levels[l];
  const RowLevels& after = activity_.row_levels[l];
  const RowLevels drives = before.size() == 0 ? after : RowLevels(after - before);
  double read_pj = 0;
  for (const auto& rb : blocks) {
    if (levels.size() < rb->written_levels.size()) levels.resize(rb->written_levels.size(), 0);
    for (std::size_t d = 0; d < rb->written_levels.size(); ++d) levels[d] += rb->written_levels[d];
    add_block_cell_read_pj(drives, *rb, drive_, read_pj);
  }
  activity_.written_cell_pj[l][write] += read_pj;
  return y;
}

}  // namespace cimsim::functional
