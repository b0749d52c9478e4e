// Convolutions lowered to matrix form: for random shapes, padding, strides, dilations and groups,
// the mapped integer result equals a direct convolution exactly (ideal cells, lossless ADC).

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "crossbar_fixture.hpp"
#include "sim/functional/ops.hpp"
#include "sim/functional/reference.hpp"

using namespace cimsim;

namespace {

struct ConvCase {
  int c, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups;
};

// Direct convolution, written from the definition: no lowering, no matrices.
std::int64_t direct(const ConvCase& k, const std::vector<int>& x, const std::vector<int>& wt, int o, int oy, int ox) {
  const int cg = k.c / k.groups, og = k.oc / k.groups, g = o / og;
  std::int64_t sum = 0;
  for (int ci = 0; ci < cg; ++ci)
    for (int ky = 0; ky < k.kh; ++ky)
      for (int kx = 0; kx < k.kw; ++kx) {
        const int y = oy * k.sh - k.pt + ky * k.dh, xx = ox * k.sw - k.pl + kx * k.dw;
        if (y < 0 || y >= k.h || xx < 0 || xx >= k.w) continue;
        sum += static_cast<std::int64_t>(wt[((o * cg + ci) * k.kh + ky) * k.kw + kx]) * x[((g * cg + ci) * k.h + y) * k.w + xx];
      }
  return sum;
}

}  // namespace

TEST_CASE("conv lowering: mapped results equal a direct convolution on random shapes", "[conv][invariant]") {
  std::mt19937 gen(4242);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
  for (int trial = 0; trial < 40; ++trial) {
    ConvCase k;
    k.groups = std::vector<int>{1, 1, 2, 4}[static_cast<std::size_t>(pick(0, 3))];
    k.c = k.groups * pick(1, 6);
    k.oc = k.groups * pick(1, 5);
    if (trial % 8 == 7) k.groups = k.oc = k.c;  // depthwise
    k.kh = pick(1, 4);
    k.kw = pick(1, 4);
    k.sh = pick(1, 3);
    k.sw = pick(1, 3);
    k.dh = pick(1, 2);
    k.dw = pick(1, 2);
    k.pt = pick(0, 2);
    k.pl = pick(0, 2);
    k.pb = pick(0, 2);
    k.pr = pick(0, 2);
    k.h = pick(k.dh * (k.kh - 1) + 1, 9);
    k.w = pick(k.dw * (k.kw - 1) + 1, 9);
    const bool is_signed = trial % 3 == 0;
    const int wb = pick(3, 8), ab = pick(3, 8);

    workload::Layer conv;
    conv.op = workload::Op::Conv;
    conv.groups = k.groups;
    conv.window = {k.kh, k.kw, k.sh, k.sw, k.pt, k.pl, k.pb, k.pr, k.dh, k.dw};
    conv.in_shape = {k.c, k.h, k.w};
    conv.out_shape = {k.oc, conv.window.out_h(k.h), conv.window.out_w(k.w)};
    const int oh = static_cast<int>(conv.out_shape[1]), ow = static_cast<int>(conv.out_shape[2]);

    const int wmax = (1 << (wb - 1)) - 1;
    std::vector<int> wt(static_cast<std::size_t>(k.oc * (k.c / k.groups) * k.kh * k.kw));
    for (auto& v : wt) v = pick(-wmax, wmax);
    const std::vector<double> wd(wt.begin(), wt.end());
    const workload::MatrixXi32 lowered_w =
        workload::conv_weight_matrix(wd, k.oc, k.c, k.kh, k.kw, k.groups).cast<std::int32_t>();

    const int lo = is_signed ? -(1 << (ab - 1)) : 0, hi = is_signed ? (1 << (ab - 1)) - 1 : (1 << ab) - 1;
    std::vector<int> x(static_cast<std::size_t>(k.c * k.h * k.w));
    for (auto& v : x) v = pick(lo, hi);
    Eigen::MatrixXf xf(static_cast<Eigen::Index>(x.size()), 1);
    for (std::size_t i = 0; i < x.size(); ++i) xf(static_cast<Eigen::Index>(i), 0) = static_cast<float>(x[i]);
    const Eigen::MatrixXi codes = functional::lower_conv_input(conv, xf).cast<int>();  // pads are code 0

    // Small arrays, so that the block-diagonal layout of grouped convolutions leaves blocks out.
    const std::string yaml = fmt::format(
        "mapping: {{bits_per_cell: {}, encoding: {}}}\narray: {{rows: 16, cols: 64}}\n"
        "cell: {{model: ideal}}\ndac: {{bits: {}}}\nadc: {{full_scale: max}}\n",
        pick(1, 3), trial % 2 ? "differential" : "offset", pick(1, 3));
    INFO(yaml << fmt::format("c={} h={} w={} oc={} k={}x{} s={}x{} pad={},{},{},{} d={}x{} g={} wb={} ab={} signed={}",
                             k.c, k.h, k.w, k.oc, k.kh, k.kw, k.sh, k.sw, k.pt, k.pl, k.pb, k.pr, k.dh, k.dw,
                             k.groups, wb, ab, is_signed));
    test::CrossbarFixture f(lowered_w, wb, ab, is_signed, yaml);
    const Eigen::MatrixXd y = f.multiply(codes);
    REQUIRE(y.cols() == oh * ow);
    std::int64_t mismatches = 0;
    for (int o = 0; o < k.oc; ++o)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox)
          mismatches += static_cast<std::int64_t>(y(o, oy * ow + ox)) != direct(k, x, wt, o, oy, ox);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("conv lowering: grouped convolutions leave their off-diagonal blocks unmapped", "[conv][mapping]") {
  // Depthwise 3x3 over 32 channels on 16-row arrays: 288 inputs in 18 row blocks; each output
  // channel touches only its own 9 rows, so most blocks hold no weight at all.
  std::vector<double> w(32 * 9, 1.0);
  const workload::MatrixXi32 lowered = workload::conv_weight_matrix(w, 32, 32, 3, 3, 32).cast<std::int32_t>();
  test::CrossbarFixture f(lowered, 8, 8, false, "mapping: {bits_per_cell: 2}\narray: {rows: 16, cols: 64}\n");
  const auto& lm = f.chip.layers.front();
  CHECK(lm.row_blocks == 18);
  CHECK(lm.col_blocks == 4);  // 8 outputs per 64-column block (4 slices × 2)
  CHECK(f.chip.arrays.size() < static_cast<std::size_t>(lm.row_blocks * lm.col_blocks) / 3);
}

TEST_CASE("conv lowering: codes lowered after quantizing equal lowered inputs quantized", "[conv][invariant]") {
  // The engine quantizes each input once and lowers the codes; pads take the code of a zero input
  // (the zero point), as a lowered zero would quantize to.
  std::mt19937 gen(77);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
  std::normal_distribution<float> value(0.3f, 1.0f);
  for (int trial = 0; trial < 20; ++trial) {
    const int c = pick(1, 4), kh = pick(1, 3), kw = pick(1, 3), dh = pick(1, 2), dw = pick(1, 2);
    const int h = pick(dh * (kh - 1) + 1, 8), w = pick(dw * (kw - 1) + 1, 8);
    workload::Layer conv;
    conv.op = workload::Op::Conv;
    conv.window = {kh, kw, pick(1, 2), pick(1, 2), pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2), dh, dw};
    conv.in_shape = {c, h, w};
    conv.out_shape = {1, conv.window.out_h(h), conv.window.out_w(w)};
    workload::QuantLayer q;
    q.input_signed = trial % 2 == 0;
    q.input_scale = 0.01 + 0.05 * pick(0, 10);
    q.input_min = q.input_signed ? -128 : 0;
    q.input_max = q.input_signed ? 127 : 255;
    q.input_zero_point = trial % 3 == 0 ? 0 : pick(-20, 40);
    q.round_half_even = trial % 4 == 1;
    const int samples = pick(1, 3);
    Eigen::MatrixXf x(static_cast<Eigen::Index>(c) * h * w, samples);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = value(gen);
    x(0, 0) = static_cast<float>(q.input_scale * 2.5);  // an exact half step: the rounding rule shows
    INFO("trial " << trial);
    const Eigen::MatrixXi lowered_codes =
        functional::lower_conv_codes(conv, functional::input_codes(q, x), workload::quantize_input(0.0f, q));
    CHECK(lowered_codes == functional::input_codes(q, functional::lower_conv_input(conv, x)));
  }
}
