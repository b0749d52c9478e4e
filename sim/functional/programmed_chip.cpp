#include "sim/functional/programmed_chip.hpp"

#include <map>

#include "sim/util/parallel.hpp"

namespace cimsim::functional {

namespace {

// One array after programming, in ΔG units, before row blocks are stacked.
struct ArrayState {
  Eigen::MatrixXf g;       // rows × columns
  Eigen::MatrixXf var;     // rows × columns, empty when noiseless
  Eigen::VectorXf row_g_us;
};

}  // namespace

ProgrammedChip ProgrammedChip::program(const mapping::ChipMap& chip, const models::CellModel& cell,
                                       std::uint64_t seed, std::uint32_t instance, double t_inference_s,
                                       int threads) {
  ProgrammedChip pc;
  pc.seed = seed;
  pc.instance = instance;
  pc.g_min_us = cell.g_min_us();
  const int levels = (1 << chip.arch.bits_per_cell) - 1;
  pc.delta_g_us = (cell.g_max_us() - cell.g_min_us()) / levels;
  pc.g_min_norm = pc.g_min_us / pc.delta_g_us;

  // Draw every array (once per chip instance), in parallel: draws are keyed by array, not order.
  std::vector<ArrayState> states(chip.arrays.size());
  util::parallel_for(chip.arrays.size(), threads, [&](std::size_t i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    const Eigen::MatrixXf target =
        (a.digits.cast<float>() * static_cast<float>(pc.delta_g_us)).array() + static_cast<float>(pc.g_min_us);
    const models::ArrayKey key{seed, instance, static_cast<std::uint32_t>(a.layer), static_cast<std::uint32_t>(i)};
    const models::ArrayDevices dev = cell.program(target, key, t_inference_s);
    const float inv = static_cast<float>(1.0 / pc.delta_g_us);
    states[i].g = dev.g_us * inv;
    if (dev.read_sigma_us.size() > 0) states[i].var = (dev.read_sigma_us * inv).array().square();
    states[i].row_g_us = dev.g_us.rowwise().sum();
  });

  // Stack each row block's arrays.
  pc.layers.resize(chip.layers.size());
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    std::map<int, ProgrammedRowBlock> blocks;
    for (int ai : chip.layers[l].arrays) {
      const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
      ProgrammedRowBlock& rb = blocks[a.row_block];
      rb.row_begin = a.row_begin;
      rb.rows = a.rows;
      rb.arrays.push_back(ai);
    }
    for (auto& [index, rb] : blocks) {
      Eigen::Index readouts = 0;
      bool noisy = false, reference = false;
      for (int ai : rb.arrays) {
        rb.first_readout.push_back(static_cast<int>(readouts));
        readouts += static_cast<Eigen::Index>(chip.arrays[static_cast<std::size_t>(ai)].readouts.size());
        noisy = noisy || states[static_cast<std::size_t>(ai)].var.size() > 0;
        reference = reference || chip.arrays[static_cast<std::size_t>(ai)].reference_column >= 0;
      }
      rb.diff.resize(rb.rows, readouts);
      if (noisy) rb.var = Eigen::MatrixXf::Zero(rb.rows, readouts);
      if (noisy && reference) rb.reference_var = Eigen::MatrixXf::Zero(rb.rows, static_cast<Eigen::Index>(rb.arrays.size()));
      rb.row_g_us = Eigen::VectorXf::Zero(rb.rows);
      for (std::size_t k = 0; k < rb.arrays.size(); ++k) {
        const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(rb.arrays[k])];
        const ArrayState& st = states[static_cast<std::size_t>(rb.arrays[k])];
        for (std::size_t r = 0; r < a.readouts.size(); ++r) {
          const mapping::Readout& ro = a.readouts[r];
          const Eigen::Index col = rb.first_readout[k] + static_cast<Eigen::Index>(r);
          rb.diff.col(col) = st.g.col(ro.plus);
          const bool pair = ro.minus >= 0 && ro.minus != a.reference_column;
          if (ro.minus >= 0) rb.diff.col(col) -= st.g.col(ro.minus);
          if (st.var.size() > 0) {
            rb.var.col(col) = st.var.col(ro.plus);
            if (pair) rb.var.col(col) += st.var.col(ro.minus);
          }
        }
        if (st.var.size() > 0 && a.reference_column >= 0)
          rb.reference_var.col(static_cast<Eigen::Index>(k)) = st.var.col(a.reference_column);
        rb.row_g_us += st.row_g_us;
      }
      pc.layers[l].row_blocks.push_back(std::move(rb));
    }
  }
  return pc;
}

}  // namespace cimsim::functional
