// IR drop: the sparse exact solve against an independent dense modified-nodal-analysis solve, the
// first-order approximation against the exact solve, zero wire resistance leaving results bit for
// bit, and current clipping.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <mutex>

#include "sim/functional/current_clip.hpp"
#include "sim/functional/ir_drop.hpp"
#include "sim/functional/layer_outputs.hpp"
#include "sim/run/simulation.hpp"
#include "sim/util/rng.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

Eigen::MatrixXd random_conductances(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, double g_max_us) {
  const rng::Stream s(seed, rng::Purpose::Sampling, {static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(cols)});
  Eigen::MatrixXd g(rows, cols);
  for (Eigen::Index i = 0; i < g.size(); ++i) g(i) = g_max_us * s.uniform(static_cast<std::uint64_t>(i));
  return g;
}

}  // namespace

TEST_CASE("ir drop: the exact solve equals a dense circuit solve on random small arrays", "[ir_drop]") {
  for (std::uint64_t seed : {1, 2, 3}) {
    const Eigen::Index rows = 3 + static_cast<Eigen::Index>(seed) * 2, cols = 9 - static_cast<Eigen::Index>(seed);
    const Eigen::MatrixXd g = random_conductances(rows, cols, seed, 100);
    const double r_w = 2.0 * static_cast<double>(seed), r_b = 5.0;
    const Eigen::MatrixXd eff = functional::ir_drop_exact(g, r_w, r_b);
    const rng::Stream vs(seed, rng::Purpose::Inputs, {7});
    Eigen::VectorXd v(rows);
    for (Eigen::Index i = 0; i < rows; ++i) v(i) = 0.2 * vs.uniform(static_cast<std::uint64_t>(i));
    const Eigen::VectorXd dense = functional::dense_circuit_currents(g, v, r_w, r_b);
    const Eigen::VectorXd sparse = eff.transpose() * v;
    INFO("seed " << seed);
    for (Eigen::Index j = 0; j < cols; ++j) CHECK(sparse(j) == Approx(dense(j)).epsilon(1e-9));
    // Wires only lose current.
    CHECK(((g - eff).array() >= -1e-12).all());
  }
}

TEST_CASE("ir drop: a word line alone or a bit line alone is solved too", "[ir_drop]") {
  const Eigen::MatrixXd g = random_conductances(6, 5, 9, 50);
  const Eigen::MatrixXd both = functional::ir_drop_exact(g, 3, 4);
  const Eigen::MatrixXd only_wl = functional::ir_drop_exact(g, 3, 0), only_bl = functional::ir_drop_exact(g, 0, 4);
  CHECK((only_wl.array() <= g.array() + 1e-12).all());
  CHECK((only_bl.array() <= g.array() + 1e-12).all());
  CHECK(both.sum() < only_wl.sum());
  CHECK(both.sum() < only_bl.sum());
  // A tiny wire is first order: the approximation and the solve agree closely.
  const Eigen::MatrixXd tiny = functional::ir_drop_exact(g, 1e-3, 1e-3);
  const Eigen::MatrixXd approx = functional::ir_drop_first_order(g, 1e-3, 1e-3);
  CHECK((tiny - approx).cwiseAbs().maxCoeff() < 1e-6 * g.maxCoeff());
}

TEST_CASE("ir drop: the first-order approximation's error grows as the square of the correction", "[ir_drop]") {
  // Documented bound (docs/devices.md): |G_fast - G_exact| <= 2 c^2 G_max where c is the largest
  // relative first-order correction; checked on a 64 x 64 array at three wire resistances.
  const Eigen::MatrixXd g = random_conductances(64, 64, 4, 25);
  double previous_error = 0;
  for (double r : {0.5, 1.0, 2.0}) {
    const Eigen::MatrixXd exact = functional::ir_drop_exact(g, r, r);
    const Eigen::MatrixXd fast = functional::ir_drop_first_order(g, r, r);
    const double correction = ((g - fast).array() / g.array()).maxCoeff();
    const double error = (fast - exact).cwiseAbs().maxCoeff() / g.maxCoeff();
    INFO("r = " << r << ": correction " << correction << ", error " << error);
    CHECK(error <= 2 * correction * correction);
    CHECK(error > previous_error * 3);  // about 4x per doubling of r
    previous_error = error;
  }
  // The self-consistent fast solve is well within 1 % of G_max on a 128 x 128 array losing about a
  // tenth of its current (docs/devices.md).
  const Eigen::MatrixXd big = random_conductances(128, 128, 5, 25);
  const Eigen::MatrixXd exact = functional::ir_drop_exact(big, 1, 1);
  CHECK(1 - exact.sum() / big.sum() > 0.08);
  CHECK((functional::ir_drop_fast(big, 1, 1) - exact).cwiseAbs().maxCoeff() < 0.01 * big.maxCoeff());
  CHECK((functional::ir_drop_first_order(big, 1, 1) - exact).cwiseAbs().maxCoeff() > 0.02 * big.maxCoeff());
}

namespace {

// Every layer's output and array products of instance 0's test pass, by (first sample, layer).
class RecordingSink : public functional::LayerOutputSink {
 public:
  std::uint32_t instance() const override { return 0; }
  void record(const functional::BatchOutputs& b) override {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t l = 0; l < b.outputs->size(); ++l) outputs[{b.first_sample, l}] = (*b.outputs)[l];
    for (std::size_t l = 0; l < b.products->size(); ++l) products[{b.first_sample, l}] = (*b.products)[l];
  }
  std::map<std::pair<std::int64_t, std::size_t>, Eigen::MatrixXf> outputs;
  std::map<std::pair<std::int64_t, std::size_t>, Eigen::MatrixXd> products;

 private:
  std::mutex mutex_;
};

template <typename M>
bool identical(const std::map<std::pair<std::int64_t, std::size_t>, M>& a, const std::map<std::pair<std::int64_t, std::size_t>, M>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, m] : a) {
    const auto it = b.find(k);
    if (it == b.end() || it->second.rows() != m.rows() || it->second.cols() != m.cols()) return false;
    if (m.size() > 0 && std::memcmp(m.data(), it->second.data(), sizeof(typename M::Scalar) * static_cast<std::size_t>(m.size())) != 0)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("ir drop: zero wire resistance leaves the outputs bit for bit", "[ir_drop]") {
  // Noisy cells, so that any change in how the conductances are formed would show in the outputs.
  const std::string base = "workload: {samples: 32}\nrun: {batch_size: 8}\ncell: {preset: pcm_ibm}\nmapping: {bits_per_cell: 2}\n";
  auto run = [&](const std::vector<std::string>& sets, RecordingSink& sink) {
    return run::simulate(test::config_with(base, sets), &sink);
  };
  RecordingSink off_sink, exact_sink, fast_sink, wired_sink;
  const auto off = run({}, off_sink);
  const std::vector<std::string> zero = {"ir_drop.wire=given", "ir_drop.word_line_ohm=0", "ir_drop.bit_line_ohm=0"};
  auto with = [&](std::vector<std::string> sets, const std::string& solver) {
    sets.push_back("ir_drop.solver=" + solver);
    return sets;
  };
  const auto exact = run(with(zero, "exact"), exact_sink);
  const auto fast = run(with(zero, "fast"), fast_sink);
  REQUIRE(!off_sink.products.empty());
  CHECK(identical(off_sink.products, exact_sink.products));
  CHECK(identical(off_sink.outputs, exact_sink.outputs));
  CHECK(identical(off_sink.products, fast_sink.products));
  CHECK(identical(off_sink.outputs, fast_sink.outputs));
  CHECK(off->eval.instances[0].correct == exact->eval.instances[0].correct);
  CHECK(off->eval.instances[0].activity.layers[0].cell_energy_pj == exact->eval.instances[0].activity.layers[0].cell_energy_pj);
  // With the node's wires the reads lose current: the products change and the cells draw less energy.
  const auto wired = run({"ir_drop.solver=auto"}, wired_sink);
  CHECK_FALSE(identical(off_sink.products, wired_sink.products));
  CHECK(wired->eval.instances[0].activity.layers[0].cell_energy_pj < off->eval.instances[0].activity.layers[0].cell_energy_pj);
}

TEST_CASE("ir drop: non-linear cells are refused at the solver key", "[ir_drop]") {
  CHECK_THROWS_WITH(run::simulate(test::config_with("workload: {samples: 4}\ncell: {model: rram, iv_nl2_per_v: 0.1}\n"
                                                    "ir_drop: {solver: fast}\nmapping: {bits_per_cell: 2}\n")),
                    Catch::Contains("ir_drop.solver") && Catch::Contains("non-linear"));
}

TEST_CASE("ir drop: clipping saturates each physical column before the readout subtracts", "[ir_drop][clip]") {
  // Four rows of 3 units above G_min on each readout's own column; readout 0 subtracts a column of
  // 1 unit per row, readout 1 subtracts nothing (its G_min part comes back in the engine).
  functional::ProgrammedRowBlock rb;
  rb.plus = Eigen::MatrixXf::Constant(4, 2, 3.0f);
  rb.minus = Eigen::MatrixXf::Zero(4, 2);
  rb.minus.col(0).setConstant(1.0f);
  rb.has_minus.resize(2);
  rb.has_minus << true, false;
  rb.clip_limit = 5;
  const Eigen::MatrixXf u = Eigen::MatrixXf::Ones(4, 1);  // one vector, every row driven
  Eigen::MatrixXf current = u.transpose() * (rb.plus - rb.minus);  // what the engine computed: 8 and 12
  functional::clip_column_currents(current, u, rb, 0, 4, 0.5);     // G_min = 0.5 units: 2 per column
  CHECK(current(0, 0) == Approx(5 - 5));      // 12 + 2 clips to 5; 4 + 2 clips to 5
  CHECK(current(0, 1) == Approx(5 - 2));      // 12 + 2 clips to 5; the engine adds the 2 back
  Eigen::MatrixXf loose = u.transpose() * (rb.plus - rb.minus);
  rb.clip_limit = 100;
  functional::clip_column_currents(loose, u, rb, 0, 4, 0.5);
  CHECK(loose(0, 0) == Approx(8));            // nothing clips: unchanged
  CHECK(loose(0, 1) == Approx(12));
}

TEST_CASE("ir drop: a cell that clips loses accuracy where one that flags does not", "[ir_drop][clip]") {
  auto run = [](const std::string& cell) {
    return run::simulate(test::config_with(
        "workload: {samples: 64}\ncell: {preset: stt_mram, read_noise_relative: 0, d2d_sigma: 0, "
        "read_disturb_probability: 0, stuck_sa0_rate: 0, stuck_sa1_rate: 0, " + cell +
        "}\nmapping: {bits_per_cell: 1}\nadc: {full_scale: max, bits: 12}\n"));
  };
  const auto flag = run("column_current_limit_ua: 200");
  const auto clip = run("column_current_limit_ua: 200, column_current_effect: clip");
  const auto loose = run("column_current_limit_ua: 1.0e7, column_current_effect: clip");
  REQUIRE(flag->eval.instances[0].columns_over_current_limit > 0);
  CHECK(loose->eval.instances[0].correct == flag->eval.instances[0].correct);
  CHECK(clip->eval.instances[0].accuracy < flag->eval.instances[0].accuracy - 0.1);
}
