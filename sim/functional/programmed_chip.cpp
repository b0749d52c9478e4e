#include "sim/functional/programmed_chip.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include "sim/functional/ir_drop.hpp"
#include "sim/util/allocator.hpp"
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
  std::vector<std::int64_t> written_levels;  // a write: cells written at each digit level
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

// What programming a row block needs; kept by a chip whose blocks did not all stay programmed.
struct ProgrammedChip::Context {
  const mapping::ChipMap* chip = nullptr;
  const models::CellModel* cell = nullptr;
  ProgramSettings settings;
  DriveLevels linear;  // the drive when settings.drive is null
  double g_min_us = 0, delta_g_us = 1, current_unit_ua = 1;
  // Resistance summation reads 1/G on a scale from R_off = 1/G_min down in steps of ΔR.
  bool resistance = false;
  double r_off_kohm = 0, delta_r_kohm = 1;
  bool clip = false;

  const DriveLevels& drive() const { return settings.drive ? *settings.drive : linear; }
  // One write of a written layer's arrays: its weights and number.
  struct Write {
    const workload::QuantLayer* q = nullptr;
    std::uint64_t number = 0;
  };
  // Draws block `rb` (its arrays and rows set) of layer `l` and stacks its arrays' readouts; with
  // `write`, the block of a written layer as that write leaves it.
  void program(std::size_t l, ProgrammedRowBlock& rb, int threads, const Write* write = nullptr) const;
  // Programs `blocks` of layer `l` over `threads` (resolved): that many at once, one thread each,
  // where there are that many; otherwise one block at a time over all threads.
  void program_all(std::size_t l, const std::vector<ProgrammedRowBlock*>& blocks, int threads) const {
    const bool by_block = static_cast<int>(blocks.size()) >= threads;
    util::parallel_for(blocks.size(), by_block ? threads : 1,
                       [&](std::size_t k) { program(l, *blocks[k], by_block ? 1 : threads); });
  }

 private:
  ArrayState draw(std::size_t i, const Write* write) const;
};

ArrayState ProgrammedChip::Context::draw(std::size_t i, const Write* write) const {
  const ProgramSettings& st = settings;
  const mapping::ArrayMap& a = chip->arrays[i];
  // A map made without digits (they are a byte per cell) has them computed from the weights here;
  // a write's come from its weights.
  mapping::MatrixXu8 computed;
  if (write)
    computed = mapping::array_digits(a, chip->layers[static_cast<std::size_t>(a.layer_map)], *write->q, chip->arch);
  const mapping::MatrixXu8& digits = write ? computed : mapping::digits_of(*chip, a, st.qnet, computed);
  if (digits.size() == 0)
    throw std::logic_error("programming an array without digits: map with them or pass the quantized network");
  const Eigen::MatrixXf target =
      (digits.cast<float>() * static_cast<float>(delta_g_us)).array() + static_cast<float>(g_min_us);
  models::ArrayKey key{st.seed, st.instance, static_cast<std::uint32_t>(a.layer), static_cast<std::uint32_t>(i),
                       st.draws, st.temperature_k};
  if (write) key.write = write->number;
  models::ArrayDevices dev = cell->program(target, key, write ? st.written_age_s : st.t_inference_s);
  if (st.ir_drop) st.ir_drop->apply(dev);
  const float inv = static_cast<float>(1.0 / delta_g_us);
  ArrayState s;
  if (write) {
    s.written_levels.assign(static_cast<std::size_t>(1) << chip->arch.bits_per_cell, 0);
    for (Eigen::Index k = 0; k < digits.size(); ++k) ++s.written_levels[digits.data()[k]];
  }
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
    s.g = digits.cast<float>() + (dev.g_us - target) * inv;
    if (dev.read_sigma_us.size() > 0) s.var = (dev.read_sigma_us * inv).array().square();
    if (dev.iv_nl2_ua_per_v2.size() > 0) s.nl2 = dev.iv_nl2_ua_per_v2 * inv;
    if (dev.iv_nl3_ua_per_v3.size() > 0) s.nl3 = dev.iv_nl3_ua_per_v3 * inv;
  }
  s.row_g_us = dev.g_us.cast<double>().rowwise().sum();
  const auto lm = static_cast<std::size_t>(a.layer_map);
  // Read disturb is not followed across writes: each write sets the cells afresh.
  if (!write && !st.vectors.empty() && lm < st.vectors.size()) {
    const auto reads = static_cast<std::uint64_t>(st.vectors[lm]) * chip->layers[lm].input_slices.size();
    s.disturbs = models::read_disturb_events(dev, key, reads);
    for (const auto& e : s.disturbs) s.disturb_delta.push_back((e.g_us - dev.g_us(e.row, e.col)) * inv);
  }
  // A series chain carries readout.read_current_ua whatever its cells: no column current to limit.
  if (!resistance)
    s.over_limit = models::columns_over_current_limit(dev, chip->arch.read_voltage_v, chip->arch.rows_per_read,
                                                      cell->column_current_limit_ua());
  return s;
}

void ProgrammedChip::Context::program(std::size_t l, ProgrammedRowBlock& rb, int threads, const Write* write) const {
  // Draws are keyed by array, not by order: the arrays of a block are drawn in parallel.
  std::vector<ArrayState> states(rb.arrays.size());
  util::parallel_for(rb.arrays.size(), threads,
                     [&](std::size_t k) { states[k] = draw(static_cast<std::size_t>(rb.arrays[k]), write); });
  rb.written_levels.clear();
  for (const ArrayState& s : states) {
    if (rb.written_levels.size() < s.written_levels.size()) rb.written_levels.resize(s.written_levels.size(), 0);
    for (std::size_t d = 0; d < s.written_levels.size(); ++d) rb.written_levels[d] += s.written_levels[d];
  }
  rb.first_readout.clear();
  rb.disturbs.clear();
  rb.over_limit = 0;
  Eigen::Index readouts = 0;
  bool noisy = false, reference = false, nonlinear = false;
  for (std::size_t k = 0; k < rb.arrays.size(); ++k) {
    const ArrayState& s = states[k];
    const mapping::ArrayMap& a = chip->arrays[static_cast<std::size_t>(rb.arrays[k])];
    rb.first_readout.push_back(static_cast<int>(readouts));
    readouts += static_cast<Eigen::Index>(a.readouts.size());
    noisy = noisy || s.var.size() > 0;
    nonlinear = nonlinear || s.nl2.size() > 0 || s.nl3.size() > 0;
    reference = reference || a.reference_column >= 0;
    rb.over_limit += s.over_limit;
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
    rb.clip_limit = static_cast<float>(cell->column_current_limit_ua() / current_unit_ua);
  }
  if (resistance) rb.row_r_kohm = Eigen::VectorXd::Zero(rb.rows);
  for (std::size_t k = 0; k < rb.arrays.size(); ++k) {
    const mapping::ArrayMap& a = chip->arrays[static_cast<std::size_t>(rb.arrays[k])];
    const ArrayState& st_a = states[k];
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
  const DriveLevels& dl = drive();
  if (nonlinear && dl.nl_linear && !chip->layers[l].polarity) {
    rb.diff += static_cast<float>(dl.nl2[1]) * rb.nl2 + static_cast<float>(dl.nl3[1]) * rb.nl3;
    rb.nl2.resize(0, 0);
    rb.nl3.resize(0, 0);
  }
  rb.resident = true;
}

std::size_t ProgrammedRowBlock::bytes() const {
  const auto floats = diff.size() + var.size() + reference_var.size() + nl2.size() + nl3.size() + plus.size() +
                      minus.size();
  return static_cast<std::size_t>(floats) * sizeof(float);
}

void ProgrammedRowBlock::drop_conductances() {
  diff = var = reference_var = nl2 = nl3 = plus = minus = Eigen::MatrixXf();
  has_minus.resize(0);
  disturbs.clear();
  disturbs.shrink_to_fit();
  resident = false;
}

ProgrammedChip ProgrammedChip::program(const mapping::ChipMap& chip, const models::CellModel& cell,
                                       const ProgramSettings& st) {
  ProgrammedChip pc = scale(chip, cell);
  pc.seed = st.seed;
  pc.instance = st.instance;
  auto ctx = std::make_shared<Context>();
  ctx->chip = &chip;
  ctx->cell = &cell;
  ctx->settings = st;
  ctx->linear = DriveLevels::amplitude(chip);
  ctx->g_min_us = pc.g_min_us;
  ctx->delta_g_us = pc.delta_g_us;
  ctx->current_unit_ua = pc.current_unit_ua(chip);
  ctx->resistance = chip.arch.readout.resistance();
  require_off_resistance(chip.arch, pc.g_min_us);
  const int levels = (1 << chip.arch.bits_per_cell) - 1;
  if (ctx->resistance) {
    ctx->r_off_kohm = 1e3 / pc.g_min_us;
    ctx->delta_r_kohm = (ctx->r_off_kohm - 1e3 / cell.g_max_us()) / levels;
  }
  // Clipping limits a column's summed current; a resistance-summation readout sums no currents (its
  // cells are in series), so it has none to clip.
  ctx->clip = !ctx->resistance && cell.clips_column_current() && cell.column_current_limit_ua() > 0;

  // Block by block, in network order; the blocks that fit the budget keep their conductances.
  const double budget = st.resident_mib > 0 ? st.resident_mib * 1024.0 * 1024.0 : -1;
  const int threads = util::resolve_threads(st.threads);
  double kept = 0;
  int dropped = 0;
  pc.layers.resize(chip.layers.size());
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    // Each copy of the weights (LayerMap::copies) is programmed on its own arrays, with their own draws.
    std::vector<ProgrammedRowBlock> shells;
    pc.layers[l].copies = chip.layers[l].copies;
    for (int copy = 0; copy < chip.layers[l].copies; ++copy) {
      std::map<int, ProgrammedRowBlock> blocks;
      for (int ai : chip.layers[l].arrays_of_copy(copy)) {
        const mapping::ArrayMap& a = chip.arrays[static_cast<std::size_t>(ai)];
        ProgrammedRowBlock& rb = blocks[a.row_block];
        rb.row_begin = a.row_begin;
        rb.rows = a.rows;
        rb.arrays.push_back(ai);
      }
      for (auto& [index, rb] : blocks) shells.push_back(std::move(rb));
    }
    if (chip.layers[l].written) {
      // Written per input (written_row_blocks): nothing to program with the chip.
      for (ProgrammedRowBlock& rb : shells) rb.resident = false;
      pc.layers[l].row_blocks = std::move(shells);
      continue;
    }
    // Blocks `threads` at a time, so that at most `threads` are in memory beyond the budget.
    const auto group = static_cast<std::size_t>(threads);
    for (std::size_t g0 = 0; g0 < shells.size(); g0 += group) {
      const std::size_t g1 = std::min(shells.size(), g0 + group);
      std::vector<ProgrammedRowBlock*> batch;
      for (std::size_t b = g0; b < g1; ++b) batch.push_back(&shells[b]);
      ctx->program_all(l, batch, threads);
      for (std::size_t b = g0; b < g1; ++b) {
        ProgrammedRowBlock& rb = shells[b];
        pc.columns_over_current_limit += rb.over_limit;
        pc.disturbed_devices += static_cast<int>(rb.disturbs.size());
        const double bytes = static_cast<double>(rb.bytes());
        if (budget < 0 || kept + bytes <= budget) kept += bytes;
        else rb.drop_conductances();
      }
    }
    dropped += static_cast<int>(std::count_if(shells.begin(), shells.end(),
                                              [](const ProgrammedRowBlock& rb) { return !rb.resident; }));
    pc.layers[l].row_blocks = std::move(shells);
  }
  if (dropped > 0)
    spdlog::debug("chip instance {}: {:.1f} MiB of conductances kept, {} row blocks beyond run.array_memory_mib "
                  "are programmed again when read", st.instance, kept / (1024.0 * 1024.0), dropped);
  pc.context_ = std::move(ctx);
  // The blocks dropped past the budget and the programming's temporaries go back to the kernel
  // before the reads start, when they are much (VGG-16: about 40 MB; more with a smaller budget).
  util::return_freed_memory(util::kLargeFreedBytes);
  return pc;
}

std::vector<std::shared_ptr<const ProgrammedRowBlock>> ProgrammedChip::row_blocks(std::size_t l, std::size_t first,
                                                                                 std::size_t count, int threads) const {
  const auto& kept = layers[l].row_blocks;
  std::vector<std::shared_ptr<const ProgrammedRowBlock>> out(count);
  std::vector<ProgrammedRowBlock*> again;
  for (std::size_t k = 0; k < count; ++k) {
    const ProgrammedRowBlock& rb = kept[first + k];
    if (rb.resident) {
      out[k] = std::shared_ptr<const ProgrammedRowBlock>(std::shared_ptr<const void>(), &rb);
      continue;
    }
    // Dropped for the memory budget: the same draws again (keyed by array), for this read only.
    auto shell = std::make_shared<ProgrammedRowBlock>();
    shell->row_begin = rb.row_begin;
    shell->rows = rb.rows;
    shell->arrays = rb.arrays;
    again.push_back(shell.get());
    out[k] = std::move(shell);
  }
  context_->program_all(l, again, util::resolve_threads(threads));
  return out;
}

bool ProgrammedChip::resident(std::size_t l) const {
  const auto& blocks = layers[l].row_blocks;
  return std::all_of(blocks.begin(), blocks.end(), [](const ProgrammedRowBlock& rb) { return rb.resident; });
}

std::vector<std::shared_ptr<const ProgrammedRowBlock>> ProgrammedChip::written_row_blocks(std::size_t l,
                                                                                        const workload::QuantLayer& q,
                                                                                        std::uint64_t write,
                                                                                        int threads) const {
  if (write == 0) throw std::logic_error("write 0 is the chip's programming, not a write per input");
  const Context::Write w{&q, write};
  std::vector<std::shared_ptr<const ProgrammedRowBlock>> out;
  for (const ProgrammedRowBlock& shell : layers[l].row_blocks) {
    auto rb = std::make_shared<ProgrammedRowBlock>();
    rb->row_begin = shell.row_begin;
    rb->rows = shell.rows;
    rb->arrays = shell.arrays;
    context_->program(l, *rb, threads, &w);
    out.push_back(std::move(rb));
  }
  return out;
}

}  // namespace cimsim::functional
