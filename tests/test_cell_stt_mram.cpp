// STT-MRAM state statistics, faults, read disturb and the column current check
// (docs/devices.md). Tolerances: cell_support.hpp.

#include <catch2/catch.hpp>

#include <random>

#include "cell_support.hpp"
#include "crossbar_fixture.hpp"

using namespace cimsim;
using test::moments_of;

namespace {

// Half the devices at each state, in a pattern that is not aligned with rows or columns.
Eigen::MatrixXf random_states(const models::CellModel& cell, Eigen::Index rows, Eigen::Index cols) {
  std::mt19937 gen(5);
  Eigen::MatrixXf t(rows, cols);
  for (Eigen::Index i = 0; i < t.size(); ++i)
    t(i) = static_cast<float>(gen() % 2 ? cell.g_max_us() : cell.g_min_us());
  return t;
}

}  // namespace

TEST_CASE("stt_mram: the window is 1/R_P and 1/(R_P (1 + TMR)), binary", "[cells][stt]") {
  const auto cell = test::cell_from("cell: {preset: stt_mram}");
  CHECK(cell->g_max_us() == Approx(1000.0 / 3));
  CHECK(cell->g_min_us() == Approx(1000.0 / 3 / 2.5));
  CHECK(cell->max_bits_per_cell() == 1);
  CHECK(cell->endurance_writes() == 1e12);
  CHECK(cell->read_latency_ns() == 10);
  CHECK(cell->column_current_limit_ua() == 1280);
}

TEST_CASE("stt_mram: each state is lognormal around its conductance with sigma d2d_sigma", "[cells][stt]") {
  const auto cell = test::cell_from("cell: {preset: stt_mram, stuck_sa0_rate: 0, stuck_sa1_rate: 0}");
  const Eigen::MatrixXf target = random_states(*cell, 300, 300);
  const auto dev = cell->program(target, {21, 0, 0, 0}, 1);
  const float middle = static_cast<float>(0.5 * (cell->g_min_us() + cell->g_max_us()));
  // Every device stays in its state: 4.5 % spread is far from the middle between G_AP and G_P.
  CHECK(((dev.g_us.array() >= middle) == (target.array() >= middle)).all());
  const Eigen::ArrayXXf ln_ratio = (dev.g_us.array() / target.array()).log();
  for (bool p_state : {true, false}) {
    std::vector<float> xs;
    for (Eigen::Index i = 0; i < target.size(); ++i)
      if ((target(i) >= middle) == p_state) xs.push_back(ln_ratio(i));
    const auto m = moments_of(Eigen::Map<const Eigen::ArrayXf>(xs.data(), static_cast<Eigen::Index>(xs.size())));
    INFO((p_state ? "P" : "AP") << " mean " << m.mean << " std " << m.std);
    CHECK(std::fabs(m.mean) < m.mean_tolerance());
    CHECK(std::fabs(m.std - 0.045) < m.std_tolerance());
  }
  // Read noise: 1 % of each device's conductance; no drift in a compute window.
  CHECK((dev.read_sigma_us - dev.g_us * 0.01f).cwiseAbs().maxCoeff() < 1e-4);
  CHECK(cell->program(target, {21, 0, 0, 0}, 1e6).g_us == dev.g_us);
}

TEST_CASE("stt_mram: stuck devices hold the other state at their rates", "[cells][stt]") {
  const auto cell = test::cell_from("cell: {preset: stt_mram, d2d_sigma: 0, stuck_sa0_rate: 0.01, stuck_sa1_rate: 0.02}");
  const auto g_p = static_cast<float>(cell->g_max_us()), g_ap = static_cast<float>(cell->g_min_us());
  // All devices programmed to P: SA0 shows as AP. All to AP: SA1 shows as P.
  const auto all_p = cell->program(Eigen::MatrixXf::Constant(300, 300, g_p), {22, 0, 0, 0}, 1);
  const auto all_ap = cell->program(Eigen::MatrixXf::Constant(300, 300, g_ap), {22, 0, 0, 0}, 1);
  const double n = 90000;
  const double sa0 = (all_p.g_us.array() == g_ap).cast<double>().sum() / n;
  const double sa1 = (all_ap.g_us.array() == g_p).cast<double>().sum() / n;
  CHECK(std::fabs(sa0 - 0.01) < 5 * std::sqrt(0.01 * 0.99 / n));
  CHECK(std::fabs(sa1 - 0.02) < 5 * std::sqrt(0.02 * 0.98 / n));
}

TEST_CASE("stt_mram: read disturb flips devices geometrically in the number of reads", "[cells][stt]") {
  const double p = 1e-3;
  const std::uint64_t reads = 500;
  const auto cell = test::cell_from("cell: {preset: stt_mram, read_disturb_probability: 0.001, stuck_sa0_rate: 0, "
                                    "stuck_sa1_rate: 0}");
  const Eigen::MatrixXf target = random_states(*cell, 200, 200);
  const models::ArrayKey key{23, 0, 0, 0};
  const auto dev = cell->program(target, key, 1);
  CHECK((dev.disturb_probability.array() == static_cast<float>(p)).all());
  const auto events = models::read_disturb_events(dev, key, reads);
  // A device flips within its first `reads` reads (and a later read sees it) with probability
  // 1 − (1 − p)^(reads − 1); the count is binomial over the 40000 devices.
  const double n = 40000, q = 1 - std::pow(1 - p, static_cast<double>(reads - 1));
  CHECK(std::fabs(events.size() / n - q) < 5 * std::sqrt(q * (1 - q) / n));
  const float middle = static_cast<float>(0.5 * (cell->g_min_us() + cell->g_max_us()));
  for (const auto& e : events) {
    REQUIRE(e.first_read >= 1);
    REQUIRE(e.first_read < reads);
    // The device goes to its other state, with its own junction spread.
    REQUIRE((e.g_us >= middle) != (dev.g_us(e.row, e.col) >= middle));
    REQUIRE(e.g_us == dev.disturbed_g_us(e.row, e.col));
  }
  // The same events on every call; fewer reads give a prefix of them.
  CHECK(models::read_disturb_events(dev, key, reads).size() == events.size());
  const auto fewer = models::read_disturb_events(dev, key, 100);
  std::size_t expected_fewer = 0;
  for (const auto& e : events) expected_fewer += e.first_read < 100;
  CHECK(fewer.size() == expected_fewer);

  // One direction only: devices already in the target state of the flip cannot flip.
  const auto p_to_ap = test::cell_from("cell: {preset: stt_mram, read_disturb_probability: 0.001, "
                                       "read_disturb_direction: p_to_ap}")->program(target, key, 1);
  CHECK(((p_to_ap.disturb_probability.array() > 0) == (target.array() >= middle)).all());
}

TEST_CASE("stt_mram: columns over the current limit are counted per group of rows", "[cells][stt]") {
  const auto cell = test::cell_from("cell: {preset: stt_mram, d2d_sigma: 0, read_noise_relative: 0}");
  const auto dev = cell->program(Eigen::MatrixXf::Constant(64, 10, static_cast<float>(cell->g_max_us())), {}, 1);
  // 64 rows x 0.1 V / 3 kOhm = 2.13 mA per column (device-models.md), over the 1.28 mA limit.
  CHECK(models::columns_over_current_limit(dev, 0.1, 0, cell->column_current_limit_ua()) == 10);
  // 32 rows at a time draw 1.07 mA: under it.
  CHECK(models::columns_over_current_limit(dev, 0.1, 32, cell->column_current_limit_ua()) == 0);
  CHECK(models::columns_over_current_limit(dev, 0.1, 0, 0) == 0);  // no limit
  // Non-linear terms count: +k2·G·V² pushes 32 rows over the limit.
  auto nl = dev;
  nl.iv_nl2_ua_per_v2 = nl.g_us * 3.0f;  // +30 % at 0.1 V
  CHECK(models::columns_over_current_limit(nl, 0.1, 32, 1280) == 10);
}

TEST_CASE("stt_mram: a device flipped by read disturb reads its new state from then on", "[cells][stt][functional]") {
  // Every parallel (digit 1) device flips to antiparallel (digit 0) at its first read: from the
  // second vector on, every weight reads as zero and so does every output, exactly.
  std::mt19937 gen(5);
  const auto w = test::random_weights(gen, 6, 24, 3);
  test::CrossbarFixture f(w, 3, 2, false,
                          "mapping: {bits_per_cell: 1, encoding: differential, differential_readout: analog}\n"
                          "array: {rows: 32, cols: 32}\ndac: {bits: 2}\nadc: {full_scale: max}\n"
                          "cell: {preset: stt_mram, read_disturb_probability: 1, read_disturb_direction: p_to_ap, "
                          "d2d_sigma: 0, read_noise_relative: 0, stuck_sa0_rate: 0, stuck_sa1_rate: 0}\n");
  const Eigen::MatrixXi x = Eigen::MatrixXi::Constant(24, 5, 3);
  functional::ProgramSettings ps;
  ps.vectors = {x.cols()};
  const auto programmed = functional::ProgrammedChip::program(f.chip, *f.cell, ps);
  REQUIRE(programmed.disturbed_devices > 0);
  const functional::FullScalePlan plan(f.chip, f.adc->common(), programmed.g_min_norm,
                                       programmed.current_unit_ua(f.chip));
  functional::CrossbarBackend backend(f.chip, programmed, *f.adc, plan);
  const Eigen::MatrixXd y = backend.multiply(f.layer(), x, 0);
  CHECK(y.col(0) == f.exact(x).col(0));  // the first read sees the devices as programmed
  CHECK(y.rightCols(4).isZero(0));
}
