// Products with 0/1 input digits summed from the set rows only: every entry is the float a
// sequential sum from zero in row order gives, for every shape the row blocking meets (blocks of
// 32 and 8 rows and single rows left over; whole and partial groups of 32 vectors), at every density,
// and it agrees with a dense product.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "sim/functional/binary_product.hpp"
#include "sim/util/cpu_features.hpp"

using namespace cimsim;

namespace {

// Entry (c, j) summed from zero over the set rows in increasing order, in float.
float sequential_sum(const Eigen::MatrixXf& a, const Eigen::MatrixXf& u, Eigen::Index c, Eigen::Index j) {
  float s = 0.0f;
  for (Eigen::Index i = 0; i < a.cols(); ++i)
    if (u(i, j) != 0.0f) s += a(c, i);
  return s;
}

}  // namespace

TEST_CASE("binary product: each readout is the in-order float sum of the rows its inputs set",
          "[functional][binary_product]") {
  std::mt19937 gen(7);
  std::normal_distribution<float> conductance(0.0f, 3.0f);
  // Both kernels where the CPU runs the wide one (blocks of 64 readouts, then 32, 8 and single ones).
  const auto kernel = GENERATE(functional::SumKernel::widest, functional::SumKernel::eight_lanes);
  INFO("a wide kernel on this CPU: " << util::cpu_has_avx512());
  for (const Eigen::Index m : {1, 7, 8, 9, 31, 32, 33, 41, 64, 75, 109, 128, 136, 200}) {
    for (const Eigen::Index k : {1, 16, 128}) {
      for (const double density : {0.0, 0.05, 0.19, 0.5, 1.0}) {
        for (const Eigen::Index n : {24, 32, 70}) {
          const Eigen::MatrixXf a = Eigen::MatrixXf::NullaryExpr(m, k, [&] { return conductance(gen); });
          std::bernoulli_distribution set(density);
          const Eigen::MatrixXf u = Eigen::MatrixXf::NullaryExpr(k, n, [&] { return set(gen) ? 1.0f : 0.0f; });
          functional::SetRows rows;
          rows.assign(u);
          REQUIRE(rows.cols() == n);
          Eigen::MatrixXf out_storage = Eigen::MatrixXf::Constant(n, m, -1.0f);
          Eigen::Map<Eigen::MatrixXf> out(out_storage.data(), n, m);
          functional::binary_product(a, rows, out, kernel);

          const Eigen::MatrixXd dense = a.cast<double>() * u.cast<double>();
          std::size_t exact = 0;
          for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index c = 0; c < m; ++c) {
              const float want = sequential_sum(a, u, c, j);
              exact += std::memcmp(&want, &out(j, c), sizeof want) == 0 ? 1 : 0;
              // Against the exact product: float rounding of at most k terms of size ≤ ~15.
              CHECK(std::fabs(out(j, c) - dense(c, j)) <= 1e-5 * static_cast<double>(k) * 16.0);
            }
          INFO("m " << m << ", k " << k << ", n " << n << ", density " << density << ", kernel "
                    << static_cast<int>(kernel));
          CHECK(exact == static_cast<std::size_t>(m * n));
        }
      }
    }
  }
}

TEST_CASE("binary product: a column of a wider matrix is read in place (a block of an array's rows)",
          "[functional][binary_product]") {
  // The engine passes a block of columns of the row block's matrix: the outer stride is the whole
  // matrix's height, not the block's width.
  std::mt19937 gen(11);
  std::uniform_real_distribution<float> g(-1.0f, 1.0f);
  const Eigen::MatrixXf whole = Eigen::MatrixXf::NullaryExpr(40, 200, [&] { return g(gen); });
  const Eigen::Index first = 37, k = 100, n = 16;
  std::bernoulli_distribution set(0.3);
  const Eigen::MatrixXf u = Eigen::MatrixXf::NullaryExpr(k, n, [&] { return set(gen) ? 1.0f : 0.0f; });
  functional::SetRows rows;
  rows.assign(u);
  Eigen::MatrixXf out_storage(n, 40);
  Eigen::Map<Eigen::MatrixXf> out(out_storage.data(), n, 40);
  functional::binary_product(whole.middleCols(first, k), rows, out);
  const Eigen::MatrixXf block = whole.middleCols(first, k);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index c = 0; c < 40; ++c) CHECK(out(j, c) == sequential_sum(block, u, c, j));
}

TEST_CASE("set rows: every entry that is not zero is listed, in increasing row order",
          "[functional][binary_product]") {
  // Eight rows are listed at a time where the CPU allows, the rest one by one: heights around
  // multiples of eight, and values besides 0 and 1 (−0 counts as zero, NaN as set).
  std::mt19937 gen(3);
  const float values[] = {0.0f, -0.0f, 1.0f, 2.0f, -1.0f, std::nanf("")};
  std::uniform_int_distribution<int> pick(0, 5);
  for (const Eigen::Index k : {1, 7, 8, 9, 15, 16, 17, 64, 127, 128, 130}) {
    const Eigen::Index n = 5;
    const Eigen::MatrixXf u = Eigen::MatrixXf::NullaryExpr(k, n, [&] { return values[pick(gen)]; });
    functional::SetRows rows;
    rows.assign(u);
    REQUIRE(rows.cols() == n);
    for (Eigen::Index j = 0; j < n; ++j) {
      std::vector<std::uint32_t> want;
      for (Eigen::Index i = 0; i < k; ++i)
        if (u(i, j) != 0.0f) want.push_back(static_cast<std::uint32_t>(i));
      std::uint32_t count;
      const std::uint32_t* got = rows.rows_of(j, count);
      INFO("k " << k << ", column " << j);
      CHECK(std::vector<std::uint32_t>(got, got + count) == want);
    }
  }
}
