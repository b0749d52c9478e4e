// Sharding a sweep into N parts and merging the parts gives the store of one whole run; merging
// is idempotent, and stores of different sweeps refuse to merge.

#include <catch2/catch.hpp>

#include "sweep_support.hpp"

using namespace cimsim;

TEST_CASE("sweep shards: N parts merged equal one run", "[sweep]") {
  test::TempDir dir;
  const std::string sweep = test::write_sweep(
      dir, "g.yaml", "parameters:\n  adc.bits: [3, 5, 7]\n  adc.full_scale: [max, calibrated]\n"
                     "set: {workload.samples: 40}\nrepeat: {seeds: 2}\n");
  const std::string whole = dir.path() + "/whole.db";
  REQUIRE(test::run_cimsim({"sweep", "run", sweep, "--store", whole, "--quiet"}).status == 0);
  REQUIRE(test::count_where(whole, "status = 'done'") == 12);

  std::vector<std::string> merge = {"sweep", "merge", dir.path() + "/merged.db"};
  std::int64_t sum = 0;
  for (int i = 0; i < 5; ++i) {
    const std::string part = dir.path() + "/part-" + std::to_string(i) + ".db";
    const auto r = test::run_cimsim({"sweep", "run", sweep, "--store", part, "--shard", std::to_string(i) + "/5"});
    REQUIRE(r.status == 0);
    // Shard i holds the points k with k mod 5 = i: 12 points give 3, 3, 2, 2, 2.
    const std::int64_t n = test::count_where(part, "1");
    CHECK(n == (i < 2 ? 3 : 2));
    CHECK(test::count_where(part, "point_index % 5 = " + std::to_string(i)) == n);
    sum += n;
    merge.push_back(part);
  }
  CHECK(sum == 12);
  // A shard's store cannot be resumed as another shard or as the whole sweep.
  const auto wrong = test::run_cimsim({"sweep", "run", sweep, "--store", merge[3], "--shard", "1/5"});
  CHECK(wrong.status == 2);
  CHECK_THAT(wrong.err, Catch::Contains("holds shard 0/5, not shard 1/5"));

  const auto m = test::run_cimsim(merge);
  REQUIRE(m.status == 0);
  CHECK_THAT(m.out, Catch::Contains("12 done, 0 failed, 0 pending"));
  const std::string merged = merge[2];
  CHECK(test::deterministic_points(merged) == test::deterministic_points(whole));
  CHECK(test::column_table(merged) == test::column_table(whole));
  CHECK(test::read_table(merged, "meta", "key", {}).size() == test::read_table(whole, "meta", "key", {}).size());
  for (const char* key : {"base_hash", "points_hash", "points_total", "shard"})
    CHECK(test::read_table(merged, "meta", "key")[key] == test::read_table(whole, "meta", "key")[key]);

  // Merging again, or merging the whole run in, changes nothing and duplicates nothing.
  REQUIRE(test::run_cimsim(merge).status == 0);
  REQUIRE(test::run_cimsim({"sweep", "merge", merged, whole, merge[4]}).status == 0);
  CHECK(test::count_where(merged, "1") == 12);
  CHECK(test::deterministic_points(merged) == test::deterministic_points(whole));
  // The merged store resumes as the whole sweep: nothing is left to run.
  const auto resumed = test::run_cimsim({"sweep", "run", sweep, "--store", merged});
  CHECK(resumed.status == 0);
  CHECK(resumed.err.empty());

  // A partial merge says what is missing and exits 1; running the sweep on it completes it.
  const std::string partial = dir.path() + "/partial.db";
  const auto p = test::run_cimsim({"sweep", "merge", partial, merge[3], merge[4]});
  CHECK(p.status == 1);
  CHECK_THAT(p.out, Catch::Contains("6 points of the sweep are in none of the stores"));
  REQUIRE(test::run_cimsim({"sweep", "run", sweep, "--store", partial, "--quiet"}).status == 0);
  CHECK(test::deterministic_points(partial) == test::deterministic_points(whole));

  // Another sweep's store does not merge in.
  const std::string other_sweep = test::write_sweep(dir, "o.yaml", "parameters:\n  adc.bits: [3]\n");
  const std::string other = dir.path() + "/other.db";
  REQUIRE(test::run_cimsim({"sweep", "run", other_sweep, "--store", other, "--quiet"}).status == 0);
  const auto refused = test::run_cimsim({"sweep", "merge", merged, other});
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("holds another sweep"));
  CHECK(test::count_where(merged, "1") == 12);
  // Nor does another sweep run into this store.
  const auto into = test::run_cimsim({"sweep", "run", other_sweep, "--store", merged});
  CHECK(into.status == 2);
  CHECK_THAT(into.err, Catch::Contains("this store holds another sweep (its set of points differs)"));
  CHECK(test::count_where(merged, "1") == 12);
}
