// The kernels under every noisy read of the functional engine, alone on one thread, the first two
// beside a reference measured in the same run:
//   - the sums of driven rows (functional::binary_product) against Eigen's GEMM of the same product:
//     an array block's readouts × its rows, times 0/1 input digits with a given fraction set;
//   - normal draws (rng::Stream::normals_fast) of one readout's vectors: one such range a call, and
//     64 ranges a call as the engine now draws them, against a plain copy of as many floats (the
//     memory floor);
//   - one-pass conversions (functional::convert_term: the term with its read noise, the ADC code, its
//     landing in the outputs) of 113 vectors a readout, per readout and vector.
//
//   build/bench/bench_read_kernels [set fraction] [readouts] [rows] [vector slices]
//   build/bench/bench_read_kernels 0.19 512 128 4096      # the defaults: ResNet-18's 19 % set bits

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "sim/functional/binary_product.hpp"
#include "sim/functional/readout_terms.hpp"
#include "sim/util/cpu_features.hpp"
#include "sim/util/rng.hpp"

namespace {

// Best of `reps` timings of f, in seconds.
template <class F>
double best_of(int reps, F&& f) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cimsim;
  Eigen::setNbThreads(1);
  // Argument i as a number, or `fallback` when absent; NaN when it is not a number.
  const auto number = [&](int i, double fallback) {
    if (argc <= i) return fallback;
    char* end = nullptr;
    const double v = std::strtod(argv[i], &end);
    return end != argv[i] && *end == '\0' ? v : std::nan("");
  };
  const double density = number(1, 0.19), readouts = number(2, 512), rows_in = number(3, 128),
               slices = number(4, 4096);
  const auto m = static_cast<Eigen::Index>(readouts), k = static_cast<Eigen::Index>(rows_in),
             n = static_cast<Eigen::Index>(slices);
  if (argc > 5 || !(density >= 0 && density <= 1) || !(readouts >= 1 && readouts <= 1e6) ||
      !(rows_in >= 1 && rows_in <= 1e6) || !(slices >= 1 && slices <= 1e7)) {
    std::fprintf(stderr,
                 "bench_read_kernels: expected up to four numbers: set fraction (0 to 1), readouts (1 to 1e6), "
                 "rows (1 to 1e6), vector slices (1 to 1e7)\n");
    return 2;
  }

  std::mt19937 gen(1);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::bernoulli_distribution bit(density);
  const Eigen::MatrixXf a = Eigen::MatrixXf::NullaryExpr(m, k, [&] { return g(gen); });
  const Eigen::MatrixXf u = Eigen::MatrixXf::NullaryExpr(k, n, [&] { return bit(gen) ? 1.0f : 0.0f; });
  Eigen::MatrixXf dense(m, n), sparse_storage(n, m);  // the sums come out turned (vectors down)
  Eigen::Map<Eigen::MatrixXf> sparse(sparse_storage.data(), n, m);
  functional::SetRows rows;
  const double t_list = best_of(9, [&] { rows.assign(u); });
  const double t_sums = best_of(9, [&] { functional::binary_product(a, rows, sparse); });
  const double t_sums8 = util::cpu_has_avx512()
                             ? best_of(9, [&] { functional::binary_product(a, rows, sparse, functional::SumKernel::eight_lanes); })
                             : t_sums;
  const double t_gemm = best_of(9, [&] { dense.noalias() = a * u; });
  const double err = (dense - sparse_storage.transpose()).cwiseAbs().maxCoeff();

  std::printf("driven-row sums   %ld readouts x %ld rows x %ld vector slices, %.0f %% of bits set, one thread\n",
              static_cast<long>(m), static_cast<long>(k), static_cast<long>(n), 100.0 * density);
  std::printf("  listing set bits   %8.3f ms\n", t_list * 1e3);
  std::printf("  sums               %8.3f ms   (written turned, vectors down, as the engine reads them)\n", t_sums * 1e3);
  if (util::cpu_has_avx512())
    std::printf("  sums, 8 lanes      %8.3f ms   (the kernel of CPUs without AVX-512; wide / 8 lanes %.2f)\n",
                t_sums8 * 1e3, t_sums / t_sums8);
  std::printf("  Eigen GEMM         %8.3f ms   (same product; largest difference %.2g)\n", t_gemm * 1e3, err);
  std::printf("  GEMM / (list + sums) %6.2fx\n", t_gemm / (t_list + t_sums));

  // Normal draws as the engine makes them: consecutive vectors of one readout a call, the vectors
  // of a chunk (a few dozen to a few thousand, depending on the layer's width).
  const rng::Stream stream(7, rng::Purpose::ReadNoise, {1, 2});
  constexpr std::size_t kDraws = std::size_t{1} << 21;
  std::vector<float> z(4096), src(4096, 1.0f);
  float sink = 0;
  std::printf("normal draws      %zu for each call length, one thread\n", kDraws);
  for (const std::size_t per_call : {std::size_t{4096}, std::size_t{113}, std::size_t{28}}) {
    constexpr std::size_t kRanges = 64;  // ranges a call, the engine's way (below)
    const std::size_t calls = kDraws / per_call / kRanges * kRanges;
    const double t_draws = best_of(9, [&] {
      for (std::size_t c = 0; c < calls; ++c) {
        stream.normals_fast((static_cast<std::uint64_t>(c) << 40) | 8, per_call, z.data());
        sink += z[c % per_call];
      }
    });
    const double t_copy = best_of(9, [&] {
      for (std::size_t c = 0; c < calls; ++c) {
        std::memcpy(z.data(), src.data(), per_call * sizeof(float));
        sink += z[c % per_call];
      }
    });
    // The engine's way: the ranges of many readouts drawn in one call.
    std::vector<float> many(kRanges * per_call);
    std::vector<std::uint64_t> firsts(kRanges);
    std::vector<float*> outs(kRanges);
    for (std::size_t r = 0; r < kRanges; ++r) outs[r] = many.data() + r * per_call;
    const double t_ranges = best_of(9, [&] {
      for (std::size_t c = 0; c < calls; c += kRanges) {
        for (std::size_t r = 0; r < kRanges; ++r) firsts[r] = (static_cast<std::uint64_t>(c + r) << 40) | 8;
        stream.normals_fast(firsts.data(), outs.data(), kRanges, per_call);
        sink += many[c % many.size()];
      }
    });
    const double draws = static_cast<double>(calls * per_call);
    std::printf("  %4zu a range: %6.3f ns per draw one range a call, %6.3f ns %zu ranges a call   (a copy of as many "
                "floats: %.3f ns per float)\n",
                per_call, t_draws / draws * 1e9, t_ranges / draws * 1e9, kRanges, t_copy / draws * 1e9);
  }

  // Conversions as the engine's common case makes them: one readout's 113 vectors a call, an 8-bit
  // ADC over 128 rows of 2-bit cells, read noise on every read.
  {
    constexpr std::size_t kVectors = 113, kReadouts = 4096;
    std::vector<float> current(kVectors * kReadouts), var(current.size()), noise(current.size());
    for (std::size_t i = 0; i < current.size(); ++i) {
      current[i] = 30.0f * g(gen);
      var[i] = std::fabs(g(gen));
      noise[i] = g(gen);
    }
    std::vector<double> y(kVectors, 0.0);
    const double lsb = 128.0 * 3.0 / 127.0;
    const double t_convert = best_of(9, [&] {
      for (std::size_t r = 0; r < kReadouts; ++r) {
        const std::size_t at = r * kVectors;
        functional::convert_term(y.data(), current.data() + at, var.data() + at, noise.data() + at, nullptr, lsb,
                                 -128.0, 127.0, 4.0, static_cast<std::int64_t>(kVectors));
      }
    });
    sink += static_cast<float>(y[0]);
    std::printf("conversions       %zu readouts x %zu vectors a call, read noise, one thread\n", kReadouts, kVectors);
    std::printf("  one pass           %8.3f ns per readout and vector\n",
                t_convert / static_cast<double>(kReadouts * kVectors) * 1e9);
  }
  return sink == 12345.0f ? 1 : 0;  // keeps the draws from being optimised away
}
