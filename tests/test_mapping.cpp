// The mapper against docs/design.md §4: slice counts, digits that add back up to the weights, row and
// column blocks, and a clear refusal when the chip is too small.

#include <catch2/catch.hpp>

#include "crossbar_fixture.hpp"
#include "sim/engine/timing.hpp"

using namespace cimsim;
using mapping::Encoding;

TEST_CASE("mapping: slice counts follow the design (docs/design.md §4)", "[mapping]") {
  CHECK(mapping::weight_slices(8, 2, Encoding::Differential) == 4);  // ceil(7/2)
  CHECK(mapping::weight_slices(8, 1, Encoding::Differential) == 7);
  CHECK(mapping::weight_slices(8, 2, Encoding::Offset) == 4);        // ceil(8/2)
  CHECK(mapping::weight_slices(8, 3, Encoding::Offset) == 3);
  CHECK(mapping::input_slices(8, 1, false).size() == 8);
  CHECK(mapping::input_slices(8, 3, false).size() == 3);
  CHECK(mapping::input_slices(8, 3, false).back().width == 2);
  const auto s = mapping::input_slices(8, 1, true);
  REQUIRE(s.size() == 8);
  CHECK(s.back().negative);
  CHECK(s.back().shift == 7);
}

TEST_CASE("mapping: digits add back up to every weight", "[mapping]") {
  std::mt19937 gen(5);
  for (const char* enc : {"differential", "offset"}) {
    const auto w = test::random_weights(gen, 37, 300, 8);
    test::CrossbarFixture f(w, 8, 8, false,
                            std::string("mapping: {bits_per_cell: 3, encoding: ") + enc + "}\narray: {rows: 128, cols: 64}\n");
    const auto& lm = f.chip.layers.front();
    CHECK(lm.row_blocks == 3);
    Eigen::MatrixXd rebuilt = Eigen::MatrixXd::Zero(37, 300);
    for (int ai : lm.arrays) {
      const auto& a = f.chip.arrays[static_cast<std::size_t>(ai)];
      for (const auto& r : a.readouts) {
        const double scale = std::ldexp(1.0, r.weight_slice * 3) * r.sign;
        for (int row = 0; row < a.rows; ++row) {
          double d = a.digits(row, r.plus);
          if (r.minus >= 0 && r.minus != a.reference_column) d -= a.digits(row, r.minus);
          rebuilt(r.output, a.row_begin + row) += scale * d;
        }
      }
    }
    if (std::string(enc) == "offset") rebuilt.array() -= 128;
    CHECK((rebuilt - w.cast<double>()).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("mapping: blocks, placement and utilization", "[mapping]") {
  std::mt19937 gen(6);
  test::CrossbarFixture f(test::random_weights(gen, 100, 200, 8), 8, 8, false,
                          "mapping: {bits_per_cell: 2}\narray: {rows: 128, cols: 128}\ntile: {arrays: 4}\n");
  const auto& lm = f.chip.layers.front();
  CHECK(lm.outputs_per_col_block == 16);  // 128 columns / (4 slices × 2)
  CHECK(lm.col_blocks == 7);              // ceil(100 / 16)
  CHECK(lm.row_blocks == 2);
  CHECK(f.chip.arrays.size() == 14);
  CHECK(f.chip.tiles_used == 4);
  CHECK(f.chip.arrays[5].tile == 1);
  CHECK(f.chip.arrays[5].slot == 1);
  CHECK(f.chip.cells_used() == 200LL * 100 * 8);
}

TEST_CASE("mapping: a network that does not fit is refused, saying by how much", "[mapping]") {
  std::mt19937 gen(7);
  try {
    test::CrossbarFixture f(test::random_weights(gen, 100, 200, 8), 8, 8, false,
                            "mapping: {bits_per_cell: 2}\ntile: {arrays: 4}\n");
    // The fixture maps onto a big chip; map again onto a two-tile one.
    auto arch = mapping::Architecture::from(test::config_with("tile: {arrays: 4}\nchip: {tiles: 2}\n"));
    mapping::map_network(f.qnet, arch, 1, 8);
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(e.key() == "chip.tiles");
    CHECK_THAT(std::string(e.what()), Catch::Contains("needs 14 arrays in 4 tiles"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("short by 2"));
  }
}

TEST_CASE("mapping: partial sums are wide enough for a full row block", "[mapping]") {
  std::mt19937 gen(8);
  test::CrossbarFixture f(test::random_weights(gen, 4, 128, 8), 8, 8, false, "cell: {model: ideal}\n");
  // 128 × 255 × 127 = 4,145,280 needs 22 magnitude bits, plus a sign.
  CHECK(engine::partial_sum_bits(f.chip, f.chip.layers.front()) == 23);
}
