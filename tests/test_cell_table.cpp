// The `table` cell model: measured levels from CSV or YAML, round trip, statistics per level, and
// clear errors for malformed tables. Tolerances: cell_support.hpp.

#include <catch2/catch.hpp>

#include "cell_support.hpp"

using namespace cimsim;
using test::moments_of;

namespace {

const char* kCsv =
    "# four measured levels\n"
    "g_us, sigma_us, nu_mean, nu_sigma\n"
    "1.0,  0.0,      0.0,     0.0\n"
    "6.0,  0.0,      0.0,     0.0\n"
    "14.0, 0.5,      0.05,    0.01\n"
    "20.0, 0.0,      0.0,     0.0\n";

const char* kYaml =
    "levels:\n"
    "  - {g_us: 1.0, sigma_us: 0.0}\n"
    "  - {g_us: 6.0, sigma_us: 0.0}\n"
    "  - {g_us: 14.0, sigma_us: 0.5, nu_mean: 0.05, nu_sigma: 0.01}\n"
    "  - {g_us: 20.0, sigma_us: 0.0, nu_mean: 0, nu_sigma: 0}\n";

std::unique_ptr<models::CellModel> table_cell(const std::string& path) {
  return test::cell_from("cell: {model: table, file: " + path + "}");
}

std::string table_error(const std::string& name, const std::string& content) {
  test::TempDir dir;
  const std::string path = dir.file(name, content);
  try {
    table_cell(path);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("table: digits land on the measured levels, from CSV and YAML alike", "[cells][table]") {
  test::TempDir dir;
  const auto csv = table_cell(dir.file("dev.csv", kCsv));
  const auto yaml = table_cell(dir.file("dev.yaml", kYaml));
  CHECK(csv->g_min_us() == 1);
  CHECK(csv->g_max_us() == 20);
  CHECK(csv->max_bits_per_cell() == 2);
  // The mapping's targets for 2-bit digits: G_min + d·(G_max − G_min)/3.
  Eigen::MatrixXf target(1, 4);
  for (int d = 0; d < 4; ++d) target(0, d) = static_cast<float>(1 + d * 19.0 / 3);
  const auto dev = csv->program(target, {31, 0, 0, 0}, 1e-9);
  CHECK(dev.g_us(0, 0) == 1.0f);
  CHECK(dev.g_us(0, 1) == 6.0f);
  CHECK(dev.g_us(0, 3) == 20.0f);
  const Eigen::MatrixXf many = Eigen::MatrixXf::Constant(200, 250, target(0, 2));
  CHECK(csv->program(many, {31, 0, 0, 1}, 3600).g_us == yaml->program(many, {31, 0, 0, 1}, 3600).g_us);
}

TEST_CASE("table: a level's spread and drift follow its row", "[cells][table]") {
  test::TempDir dir;
  const auto cell = table_cell(dir.file("dev.csv", kCsv));
  const float g_level2 = static_cast<float>(1 + 2 * 19.0 / 3);
  const Eigen::MatrixXf target = Eigen::MatrixXf::Constant(200, 250, g_level2);
  const auto fresh = moments_of(cell->program(target, {32, 0, 0, 0}, 0).g_us);
  CHECK(std::fabs(fresh.mean - 14) < fresh.mean_tolerance());
  CHECK(std::fabs(fresh.std - 0.5) < fresh.std_tolerance());
  const double day = 86400;
  const auto aged = moments_of(cell->program(target, {32, 0, 0, 0}, day).g_us / 14.0f);
  // The mean over devices of G_prog·factor is 14·E[factor] (G_prog and ν are independent).
  const double expected = test::expected_drift_factor(0.05, 0.01, day, 20);
  CHECK(std::fabs(aged.mean - expected) < aged.mean_tolerance());
}

TEST_CASE("table: three bits need eight levels", "[cells][table]") {
  test::TempDir dir;
  std::string five = "g_us,sigma_us\n";
  for (int i = 0; i < 5; ++i) five += std::to_string(1 + i) + ",0.1\n";
  CHECK(table_cell(dir.file("five.csv", five))->max_bits_per_cell() == 2);
  std::string eight = "g_us,sigma_us\n";
  for (int i = 0; i < 8; ++i) eight += std::to_string(1 + i) + ",0.1\n";
  CHECK(table_cell(dir.file("eight.csv", eight))->max_bits_per_cell() == 3);
}

TEST_CASE("table: malformed tables name the file, the line and what is wrong", "[cells][table]") {
  using Catch::Contains;
  CHECK_THAT(table_error("a.csv", "g_us,sigma_us\n1,0.1\n2\n"), Contains("a.csv:3:1") && Contains("expected 2 values"));
  CHECK_THAT(table_error("b.csv", "g_us,sigma_us\n1,0.1\n2,  x1\n"),
             Contains("b.csv:3:5") && Contains("'sigma_us'") && Contains("expected a number, got 'x1'"));
  CHECK_THAT(table_error("c.csv", "g_us,sigmas_us\n1,0.1\n"),
             Contains("c.csv:1:6") && Contains("did you mean 'sigma_us'"));
  CHECK_THAT(table_error("d.csv", "g_us,sigma_us\n2,0.1\n1,0.1\n"), Contains("d.csv:3:1") && Contains("ascend"));
  CHECK_THAT(table_error("e.csv", "g_us\n1\n2\n"), Contains("e.csv:1:1") && Contains("'sigma_us'"));
  CHECK_THAT(table_error("f.csv", "g_us,sigma_us\n1,0.1\n"), Contains("at least 2 levels"));
  CHECK_THAT(table_error("g.csv", "g_us,sigma_us\n1,-0.1\n2,0.1\n"), Contains("g.csv:2:1") && Contains("negative"));
  CHECK_THAT(table_error("h.yaml", "levels:\n  - {g_us: 1, sigma_us: 0.1}\n  - {g_us: 2}\n"),
             Contains("h.yaml:3:5") && Contains("'sigma_us'") && Contains("missing"));
  CHECK_THAT(table_error("i.yaml", "level:\n  - {g_us: 1, sigma_us: 0.1}\n"),
             Contains("i.yaml:1:1") && Contains("did you mean 'levels'"));
  CHECK_THAT(table_error("j.yaml", "levels:\n  - {g_us: 1, sigma_us: big}\n  - {g_us: 2, sigma_us: 0}\n"),
             Contains("j.yaml:2:25") && Contains("expected a number"));
  CHECK_THAT(table_error("k.txt", "g_us,sigma_us\n"), Contains("k.txt") && Contains(".csv or a .yaml"));
}

TEST_CASE("table: a bad table stops a run with status 2", "[cells][table][cli]") {
  test::TempDir dir;
  const std::string table = dir.file("bad.csv", "g_us,sigma_us\n1,0.1\n2\n");
  const std::string cfg = dir.file("c.yaml", test::digits_workload_yaml() + "cell: {model: table, file: bad.csv}\n");
  const auto r = test::run_cimsim({"run", cfg, "--quiet", "--output", dir.path() + "/out"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.csv:3:1"));
}
