#include "sim/functional/programmed_chip.hpp"

#include "sim/util/parallel.hpp"

namespace cimsim::functional {

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
  pc.arrays.resize(chip.arrays.size());
  util::parallel_for(chip.arrays.size(), threads, [&](std::size_t i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    const Eigen::MatrixXf target =
        (a.digits.cast<float>() * static_cast<float>(pc.delta_g_us)).array() + static_cast<float>(pc.g_min_us);
    const models::ArrayKey key{seed, instance, static_cast<std::uint32_t>(a.layer), static_cast<std::uint32_t>(i)};
    const models::ArrayDevices dev = cell.program(target, key, t_inference_s);
    ProgrammedArray& p = pc.arrays[i];
    const float inv = static_cast<float>(1.0 / pc.delta_g_us);
    p.gt = dev.g_us.transpose() * inv;
    if (dev.read_sigma_us.size() > 0) p.sigma2t = (dev.read_sigma_us.transpose() * inv).array().square();
    p.row_g_us = dev.g_us.rowwise().sum().transpose();
  });
  return pc;
}

}  // namespace cimsim::functional
