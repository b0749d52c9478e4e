// Sweep files: a bad file stops before anything runs, naming file, line and key; points expand in
// a fixed order with stable identities; random sampling is deterministic and stays in range.

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "sim/sweep/points.hpp"
#include "sim/util/read_file.hpp"
#include "sweep_support.hpp"

using namespace cimsim;

namespace {

// The error a sweep file gives on reading and expanding, or "" when it is good.
std::string error_of(const std::string& path) {
  try {
    sweep::expand(sweep::read_sweep_file(path));
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep file: mistakes name the file, line and key", "[sweep]") {
  test::TempDir dir;
  struct Case {
    std::string body, where, key, says;
  };
  const std::vector<Case> cases = {
      // line 1 is base:
      {"parameters:\n  adc.bitz: [4, 6]\n", ":3:3", "'adc.bitz'", "did you mean 'bits'"},
      {"parameters:\n  adc.bits: []\n", ":3:13", "'adc.bits'", "empty list"},
      {"mode: gird\nparameters:\n  adc.bits: [4]\n", ":2:7", "'mode'", "did you mean 'grid'"},
      {"parameters:\n  adc.bits: [4, 99]\n", ":3:17", "'adc.bits'", "out of range"},
      {"parameters:\n  adc.bits: 4\n", ":3:13", "'adc.bits'", "expected a list"},
      {"paramters:\n  adc.bits: [4]\n", ":2:1", "'paramters'", "did you mean 'parameters'"},
      {"parameters:\n  adc.bits: [4, 6, 4]\n", ":3:20", "'adc.bits'", "listed twice"},
      {"mode: zip\nparameters:\n  adc.bits: [4, 6]\n  cell.sigma_us: [0.1]\n", ":5:3", "'cell.sigma_us'",
       "equal length"},
      {"parameters:\n  adc: [{bits: 4}]\n  adc.bits: [6]\n", ":4:3", "'adc.bits'", "overlaps parameter 'adc'"},
      {"parameters:\n  run.seed: [1, 2]\nrepeat:\n  seeds: 3\n", ":3:3", "'run.seed'", "also set by repeat"},
      {"parameters:\n  run.output_dir: [a, b]\n", ":3:3", "'run.output_dir'", "sets run.output_dir"},
      {"mode: random\nparameters:\n  adc.bits: [4, 6]\n", ":1:1", "'random'", "needs random:"},
      {"mode: random\nrandom: {points: 3}\nparameters:\n  cell.sigma_us: {log_uniform: [0, 1]}\n", ":5:32",
       "'cell.sigma_us.log_uniform'", "0 < lo"},
      {"parameters:\n  adc.bits: [4]\nrandom: {points: 3}\n", ":4:9", "'random'", "only for mode: random"},
      {"parameters:\n  adc.bits: [4]\nrepeat: {seeds: [1, 1]}\n", ":4:21", "'repeat.seeds'", "listed twice"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    const std::string path = test::write_sweep(dir, "bad.yaml", c.body);
    const std::string err = error_of(path);
    CHECK_THAT(err, Catch::Contains(path + c.where));
    CHECK_THAT(err, Catch::Contains(c.key));
    CHECK_THAT(err, Catch::Contains(c.says));
  }
  // Without a base, and with a base that does not exist.
  CHECK_THAT(error_of(dir.file("nobase.yaml", "parameters: {adc.bits: [4]}\n")), Catch::Contains("'base'"));
  CHECK_THAT(error_of(dir.file("nofile.yaml", "base: nope.yaml\nparameters: {adc.bits: [4]}\n")),
             Catch::Contains("nofile.yaml:1:7: error: 'base': config file not found"));
}

TEST_CASE("sweep file: the CLI refuses a bad file with status 2 before anything runs", "[sweep]") {
  test::TempDir dir;
  const std::string path = test::write_sweep(dir, "bad.yaml", "parameters:\n  adc.bits: [4, 6]\n  cell.sigmaa_us: [1]\n");
  const std::string store = dir.path() + "/out.db";
  const auto r = test::run_cimsim({"sweep", "run", path, "--store", store});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains(path + ":4:3: error: 'cell.sigmaa_us'"));
  CHECK_THAT(r.err, Catch::Contains("did you mean 'sigma_us'"));
  CHECK_FALSE(std::filesystem::exists(store));
  CHECK_FALSE(std::filesystem::exists(store + ".work"));
  CHECK(test::run_cimsim({"sweep", "check", path}).status == 2);
  CHECK(test::run_cimsim({"sweep", "run", path, "--shard", "3/3"}).status == 2);
  CHECK(test::run_cimsim({"sweep", "frobnicate"}).status == 2);

  // A store path holding something else is refused and left as it was.
  const std::string good = test::write_sweep(dir, "good.yaml", "parameters:\n  adc.bits: [4]\n");
  const std::string text = dir.file("notes.db", "not a database\n");
  const auto on_text = test::run_cimsim({"sweep", "run", good, "--store", text});
  CHECK(on_text.status == 2);
  CHECK_THAT(on_text.err, Catch::Contains("notes.db: error: not a cimsim sweep store"));
  CHECK(cimsim::util::read_file(text) == "not a database\n");
  const std::string foreign = dir.path() + "/foreign.db";
  sweep::sql::Database(foreign, sweep::sql::Database::Mode::ReadWriteCreate).exec("CREATE TABLE mine (a)");
  const auto on_foreign = test::run_cimsim({"sweep", "run", good, "--store", foreign});
  CHECK(on_foreign.status == 2);
  CHECK_THAT(on_foreign.err, Catch::Contains("foreign.db: error: not a cimsim sweep store"));
  CHECK_FALSE(sweep::sql::Database(foreign, sweep::sql::Database::Mode::ReadOnly).has_table("points"));
}

TEST_CASE("sweep points: grid order, zip pairing, repeats and stable ids", "[sweep]") {
  test::TempDir dir;
  const auto grid = sweep::expand(sweep::read_sweep_file(test::write_sweep(
      dir, "grid.yaml",
      "parameters:\n  adc.bits: [4, 6]\n  cell.sigma_us: [0.1, 0.2, 0.3]\nset: {workload.samples: 10}\n"
      "repeat: {seeds: [7, 9], chip_instances: 2}\n")));
  REQUIRE(grid.points.size() == 12);
  // The first parameter varies slowest, the seed fastest.
  CHECK(grid.points[0].values[0].text() == "4");
  CHECK(grid.points[0].values[1].text() == "0.1");
  CHECK(grid.points[0].seed == 7);
  CHECK(grid.points[1].seed == 9);
  CHECK(grid.points[2].values[1].text() == "0.2");
  CHECK(grid.points[6].values[0].text() == "6");
  // Overrides in the order they apply: fixed sets, repeat's chip instances, parameters, seed.
  CHECK(sweep::overrides_text(grid.points[0]) ==
        "{workload.samples: 10, run.chip_instances: 2, adc.bits: 4, cell.sigma_us: 0.1, run.seed: 7}");
  std::set<std::string> ids;
  for (const auto& p : grid.points) ids.insert(p.id);
  CHECK(ids.size() == 12);

  // The same sweep written elsewhere, in another order of top-level keys, has the same ids.
  const auto again = sweep::expand(sweep::read_sweep_file(test::write_sweep(
      dir, "sub/again.yaml",
      "repeat: {seeds: [7, 9], chip_instances: 2}\nset: {workload.samples: 10}\n"
      "parameters:\n  adc.bits: [4, 6]\n  cell.sigma_us: [0.1, 0.2, 0.3]\n")));
  CHECK(again.points_hash == grid.points_hash);
  CHECK(again.points[5].id == grid.points[5].id);
  // Another fixed value is another sweep: other ids.
  const auto other = sweep::expand(sweep::read_sweep_file(test::write_sweep(
      dir, "other.yaml",
      "parameters:\n  adc.bits: [4, 6]\n  cell.sigma_us: [0.1, 0.2, 0.3]\nset: {workload.samples: 11}\n"
      "repeat: {seeds: [7, 9], chip_instances: 2}\n")));
  CHECK(other.points_hash != grid.points_hash);
  CHECK(other.points[0].id != grid.points[0].id);

  const auto zip = sweep::expand(sweep::read_sweep_file(test::write_sweep(
      dir, "zip.yaml", "mode: zip\nparameters:\n  adc.bits: [4, 6, 8]\n  cell.sigma_us: [0.1, 0.2, 0.3]\n")));
  REQUIRE(zip.points.size() == 3);
  CHECK(zip.points[2].values[0].text() == "8");
  CHECK(zip.points[2].values[1].text() == "0.3");
  // Without repeat.seeds the config's own seed (default.yaml: 1) is the point's.
  CHECK(zip.points[0].seed == 1);
}

TEST_CASE("sweep points: random sampling is deterministic, distinct and in range", "[sweep]") {
  test::TempDir dir;
  auto sample = [&](int seed, int points) {
    return sweep::expand(sweep::read_sweep_file(test::write_sweep(
        dir, "random.yaml",
        "mode: random\nrandom: {points: " + std::to_string(points) + ", seed: " + std::to_string(seed) +
            "}\nparameters:\n  adc.bits: {integers: [3, 10]}\n  cell.sigma_us: {log_uniform: [0.01, 2]}\n"
            "  cell.g_max_us: {uniform: [10, 40]}\n  adc.full_scale: [max, calibrated]\n")));
  };
  const auto a = sample(5, 40), b = sample(5, 40), c = sample(6, 40);
  REQUIRE(a.points.size() == 40);
  CHECK(a.points_hash == b.points_hash);
  CHECK(a.points_hash != c.points_hash);
  std::set<std::string> bits, modes;
  for (const auto& p : a.points) {
    const int ab = std::stoi(p.values[0].text());
    const double sigma = std::stod(p.values[1].text()), g = std::stod(p.values[2].text());
    CHECK((ab >= 3 && ab <= 10));
    CHECK((sigma >= 0.01 && sigma < 2));
    CHECK((g >= 10 && g < 40));
    bits.insert(p.values[0].text());
    modes.insert(p.values[3].text());
  }
  // 40 draws over 8 integers: each is missed with probability (7/8)^40 < 0.5 %, so all 8 show
  // up unless the draw is biased (a fixed seed, so this never flickers).
  CHECK(bits.size() == 8);
  CHECK(modes.size() == 2);
  // Asking for more distinct points than a space holds is an error, not a hang.
  test::TempDir small;
  const std::string tiny = test::write_sweep(small, "tiny.yaml",
                                             "mode: random\nrandom: {points: 5}\nparameters:\n  adc.bits: [4, 6]\n");
  CHECK_THAT(error_of(tiny), Catch::Contains("found only 2 distinct points"));
}

TEST_CASE("sweep file: a base name too long to look up is not found, not an internal error", "[sweep]") {
  // Found by a long run of fuzz_sweep_file: std::filesystem's throwing status() escaped.
  test::TempDir dir;
  const std::string file =
      dir.file("long.yaml", "base: " + std::string(5000, 'x') + ".yaml\nparameters:\n  adc.bits: [4]\n");
  try {
    sweep::read_sweep_file(file);
    FAIL("read");
  } catch (const config::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("config file not found"));
  }
}
