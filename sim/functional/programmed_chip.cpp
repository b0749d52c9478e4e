#include "sim/functional/programmed_chip.hpp"

#include <map>

#include "sim/functional/ir_drop.hpp"
#include "sim/util/parallel.hpp"

namespace cimsim::functional {

namespace {

// One array after programming, in ΔG units, before row blocks are stacked.
struct ArrayState {
  Eigen::MatrixXf g;         // rows × columns
  Eigen::MatrixXf var;       // rows × columns, empty when noiseless
  Eigen::MatrixXf nl2, nl3;  // rows × columns, ΔG per volt and per volt², empty when linear
  Eigen::VectorXd row_g_us, row_r_kohm;
  std::vector<models::DisturbEvent> disturbs;
  std::vector<float> disturb_delta;  // per event: the flip's change of conductance, ΔG units
  int over_limit = 0;
};

// Readout columns a device's column feeds, with the sign it enters them.
std::vector<std::pair<Eigen::Index, float>> readouts_of_column(const mapping::ArrayMap& a, Eigen::Index col,
                                                               Eigen::Index first) {
  std::vector<std::pair<Eigen::Index, float>> out;
  for (std::size_t r = 0; r < a.readouts.size(); ++r) {
    if (a.readouts[r].plus == col) out.emplace_back(first + static_cast<Eigen::Index>(r), 1.0f);
    if (a.readouts[r].minus == col) out.emplace_back(first + static_cast<Eigen::Index>(r), -1.0f);
  }
  return out;
}

}  // namespace

ProgrammedChip ProgrammedChip::scale(const mapping::ChipMap& chip, const models::CellModel& cell) {
  ProgrammedChip pc;
  pc.g_min_us = cell.g_min_us();
  const int levels = (1 << chip.arch.bits_per_cell) - 1;
  pc.delta_g_us = (cell.g_max_us() - cell.g_min_us()) / levels;
  pc.g_min_norm = pc.g_min_us / pc.delta_g_us;
  return pc;
}

ProgrammedChip ProgrammedChip::program(const mapping::ChipMap& chip, const models::CellModel& cell,
                                       const ProgramSettings& st) {
  ProgrammedChip pc = scale(chip, cell);
  pc.seed = st.seed;
  pc.instance = st.instance;
  const DriveLevels linear = DriveLevels::amplitude(chip);
  const DriveLevels& drive = st.drive ? *st.drive : linear;
  // Resistance summation reads 1/G on a scale from R_off = 1/G_min down in steps of ΔR.
  const bool resistance = chip.arch.readout.resistance();
  require_off_resistance(chip.arch, pc.g_min_us);
  const double r_off_kohm = resistance ? 1e3 / pc.g_min_us : 0;
  const int levels = (1 << chip.arch.bits_per_cell) - 1;
  const double delta_r_kohm = resistance ? (r_off_kohm - 1e3 / cell.g_max_us()) / levels : 1;

  // Draw every array (once per chip instance), in parallel: draws are keyed by array, not order.
  std::vector<ArrayState> states(chip.arrays.size());
  util::parallel_for(chip.arrays.size(), st.threads, [&](std::size_t i) {
    const mapping::ArrayMap& a = chip.arrays[i];
    const Eigen::MatrixXf target =
        (a.digits.cast<float>() * static_cast<float>(pc.delta_g_us)).array() + static_cast<float>(pc.g_min_us);
    const models::ArrayKey key{st.seed, st.instance, static_cast<std::uint32_t>(a.layer), static_cast<std::uint32_t>(i),
                               st.draws, st.temperature_k};
    models::ArrayDevices dev = cell.program(target, key, st.t_inference_s);
    if (st.ir_drop) st.ir_drop->apply(dev);
    const float inv = static_cast<float>(1.0 / pc.delta_g_us);
    ArrayState& s = states[i];
    if (resistance) {
      // (R_off − R)/ΔR: a device on its target reads as its digit's place on the 1/G scale.
      const Eigen::ArrayXXd r_kohm = 1e3 / dev.g_us.cast<double>().array();
      s.g = ((r_off_kohm - r_kohm) / delta_r_kohm).cast<float>().matrix();
      if (dev.read_sigma_us.size() > 0)
        s.var = (dev.read_sigma_us.cast<double>().array() * 1e3 / dev.g_us.cast<double>().array().square() /
                 delta_r_kohm).square().cast<float>().matrix();
      s.row_r_kohm = r_kohm.rowwise().sum().matrix();
    } else {
      // Conductance above G_min in ΔG units: the digit plus the device's departure from its target.
      // Written this way a device that hits its target reads as its digit exactly (G/ΔG in float
      // would turn digit 1 into 0.99999994 for some G_max and move exact half-LSB ties).
      s.g = a.digits.cast<float>() + (dev.g_us - target) * inv;
      if (dev.read_sigma_us.size() > 0) s.var = (dev.read_sigma_us * inv).array().square();
      if (dev.iv_nl2_ua_per_v2.size() > 0) s.nl2 = dev.iv_nl2_ua_per_v2 * inv;
      if (dev.iv_nl3_ua_per_v3.size() > 0) s.nl3 = dev.iv_nl3_ua_per_v3 * inv;
    }
    s.row_g_us = dev.g_us.cast<double>().rowwise().sum();
    const auto lm = static_cast<std::size_t>(a.layer_map);
    if (!st.vectors.empty() && lm < st.vectors.size()) {
      const auto reads = static_cast<std::uint64_t>(st.vectors[lm]) * chip.layers[lm].input_slices.size();
      s.disturbs = models::read_disturb_events(dev, key, reads);
      for (const auto& e : s.disturbs) s.disturb_delta.push_back((e.g_us - dev.g_us(e.row, e.col)) * inv);
    }
    // A series chain carries readout.read_current_ua whatever its cells: no column current to limit.
    if (!resistance)
      s.over_limit = models::columns_over_current_limit(dev, chip.arch.read_voltage_v, chip.arch.rows_per_read,
                                                        cell.column_current_limit_ua());
  });
  for (const auto& s : states) {
    pc.columns_over_current_limit += s.over_limit;
    pc.disturbed_devices += static_cast<int>(s.disturbs.size());
  }

  // Stack each row block's arrays.
  pc.layers.resize(chip.layers.size());
  // Clipping limits a column's summed current; a resistance-summation readout sums no currents (its
  // cells are in series), so it has none to clip.
  const bool clip = !resistance && cell.clips_column_current() && cell.column_current_limit_ua() > 0;
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
      bool noisy = false, reference = false, nonlinear = false;
      for (int ai : rb.arrays) {
        const ArrayState& s = states[static_cast<std::size_t>(ai)];
        rb.first_readout.push_back(static_cast<int>(readouts));
        readouts += static_cast<Eigen::Index>(chip.arrays[static_cast<std::size_t>(ai)].readouts.size());
        noisy = noisy || s.var.size() > 0;
        nonlinear = nonlinear || s.nl2.size() > 0 || s.nl3.size() > 0;
        reference = reference || chip.arrays[static_cast<std::size_t>(ai)].reference_column >= 0;
      }
      // Combined column by column (rows × readouts, contiguous), turned once at the end into the
      // readouts × rows layout reads use.
      Eigen::MatrixXf diff(rb.rows, readouts), var, reference_var, nl2, nl3;
      if (noisy) var = Eigen::MatrixXf::Zero(rb.rows, readouts);
      if (noisy && reference) reference_var = Eigen::MatrixXf::Zero(rb.rows, static_cast<Eigen::Index>(rb.arrays.size()));
      if (nonlinear) {
        nl2 = Eigen::MatrixXf::Zero(rb.rows, readouts);
        nl3 = Eigen::MatrixXf::Zero(rb.rows, readouts);
      }
      rb.row_g_us = Eigen::VectorXd::Zero(rb.rows);
      if (clip) {
        rb.plus = Eigen::MatrixXf::Zero(rb.rows, readouts);
        rb.minus = Eigen::MatrixXf::Zero(rb.rows, readouts);
        rb.has_minus = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(readouts, false);
        rb.clip_limit = static_cast<float>(cell.column_current_limit_ua() / pc.current_unit_ua(chip));
      }
      if (resistance) rb.row_r_kohm = Eigen::VectorXd::Zero(rb.rows);
      for (std::size_t k = 0; k < rb.arrays.size(); ++k) {
        const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(rb.arrays[k])];
        const ArrayState& st_a = states[static_cast<std::size_t>(rb.arrays[k])];
        // Combines columns as the readout does: plus, minus its pair or the reference column.
        auto combine = [&](Eigen::MatrixXf& dst, const Eigen::MatrixXf& src, Eigen::Index col, const mapping::Readout& ro) {
          dst.col(col) = src.col(ro.plus);
          if (ro.minus >= 0) dst.col(col) -= src.col(ro.minus);
        };
        for (std::size_t r = 0; r < a.readouts.size(); ++r) {
          const mapping::Readout& ro = a.readouts[r];
          const Eigen::Index col = rb.first_readout[k] + static_cast<Eigen::Index>(r);
          combine(diff, st_a.g, col, ro);
          if (clip) {
            rb.plus.col(col) = st_a.g.col(ro.plus);
            if (ro.minus >= 0) rb.minus.col(col) = st_a.g.col(ro.minus);
            rb.has_minus(col) = ro.minus >= 0;
          }
          if (st_a.nl2.size() > 0) combine(nl2, st_a.nl2, col, ro);
          if (st_a.nl3.size() > 0) combine(nl3, st_a.nl3, col, ro);
          const bool pair = ro.minus >= 0 && ro.minus != a.reference_column;
          if (st_a.var.size() > 0) {
            var.col(col) = st_a.var.col(ro.plus);
            if (pair) var.col(col) += st_a.var.col(ro.minus);
          }
        }
        if (st_a.var.size() > 0 && a.reference_column >= 0)
          reference_var.col(static_cast<Eigen::Index>(k)) = st_a.var.col(a.reference_column);
        rb.row_g_us += st_a.row_g_us;
        if (resistance) rb.row_r_kohm += st_a.row_r_kohm;
        for (std::size_t ei = 0; ei < st_a.disturbs.size(); ++ei) {
          const models::DisturbEvent& e = st_a.disturbs[ei];
          ProgrammedRowBlock::Disturb d;
          d.row = static_cast<int>(e.row);
          d.first_read = e.first_read;
          d.delta = st_a.disturb_delta[ei];
          d.targets = readouts_of_column(a, e.col, rb.first_readout[k]);
          rb.disturbs.push_back(std::move(d));
        }
      }
      rb.diff = diff.transpose();
      rb.var = var.transpose();
      rb.reference_var = reference_var.transpose();
      rb.nl2 = nl2.transpose();
      rb.nl3 = nl3.transpose();
      // A DAC whose non-linear charge is proportional to the level (one voltage, or 1-bit inputs)
      // lets the non-linear terms fold into the conductances: no extra products per read. Not
      // with polarity inputs: a negative drive turns the odd terms, not the even one.
      if (nonlinear && drive.nl_linear && !chip.layers[l].polarity) {
        rb.diff += static_cast<float>(drive.nl2[1]) * rb.nl2 + static_cast<float>(drive.nl3[1]) * rb.nl3;
        rb.nl2.resize(0, 0);
        rb.nl3.resize(0, 0);
      }
      pc.layers[l].row_blocks.push_back(std::move(rb));
    }
  }
  return pc;
}

}  // namespace cimsim::functional
