// A sweep through a real Slurm job array: a private single-node cluster (munge, slurmctld,
// slurmd) is started for the test, scripts/slurm/sweep-array.sh submits the array and the merge
// job, and the merged store must equal a local run of the same sweep. Where the daemons cannot
// run (no root, packages missing), the test says why and runs the array's batch scripts itself,
// task by task with SLURM_ARRAY_TASK_ID set, exactly as the scheduler would.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "sweep_support.hpp"

using namespace cimsim;

namespace {

// Stops the cluster however the test ends.
struct Cluster {
  std::string dir;
  bool running = false;
  ~Cluster() {
    if (running) test::run_program({"/bin/sh", test::source_dir() + "/scripts/slurm/local-cluster.sh", "stop", dir});
    ::unsetenv("SLURM_CONF");
  }
};

}  // namespace

TEST_CASE("sweep slurm: a job array's shards merge into the store of a local run", "[sweep][slurm]") {
  test::TempDir dir;
  const std::string scripts = test::source_dir() + "/scripts/slurm/";
  const std::string sweep = test::write_sweep(
      dir, "a.yaml", "parameters:\n  adc.bits: [3, 5, 7]\n  cell.sigma_us: [0.2, 1.0]\nset: {workload.samples: 40}\n");
  const std::string local = dir.path() + "/local.db";
  REQUIRE(test::run_cimsim({"sweep", "run", sweep, "--store", local, "--quiet"}).status == 0);

  const std::string merged = dir.path() + "/merged.db";
  const std::vector<std::string> submit = {"/bin/sh",  scripts + "sweep-array.sh", "--tasks", "3", "--store",
                                           merged,     "--cimsim", test::binary()};
  Cluster cluster{dir.path() + "/cluster"};
  const auto start = test::run_program({"/bin/sh", scripts + "local-cluster.sh", "start", cluster.dir});
  if (start.status == 0) {
    cluster.running = true;
    ::setenv("SLURM_CONF", (cluster.dir + "/slurm.conf").c_str(), 1);
    std::vector<std::string> args = submit;
    args.insert(args.end(), {"--wait", "45", sweep});
    const auto r = test::run_program(args);
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("submitted job array"));
    CHECK_THAT(r.out, Catch::Contains("merged 3 stores"));
    // Each array task wrote its own log and its own shard.
    for (int i = 0; i < 3; ++i) CHECK(std::filesystem::exists(merged + ".slurm/shard-" + std::to_string(i) + ".db"));
  } else {
    // Status 3: this machine cannot run the daemons; anything else is a broken setup.
    INFO(start.out << start.err);
    REQUIRE(start.status == 3);
    WARN("Slurm is not available here, so the job array's scripts run directly: " << start.err);
    std::vector<std::string> args = submit;
    args.insert(args.end(), {"--no-submit", sweep});
    REQUIRE(test::run_program(args).status == 0);
    for (int i = 0; i < 3; ++i) {
      const auto task = test::run_program(
          {"/usr/bin/env", "SLURM_ARRAY_TASK_ID=" + std::to_string(i), "/bin/sh", merged + ".slurm/array.sh"});
      REQUIRE(task.status == 0);
    }
    REQUIRE(test::run_program({"/bin/sh", merged + ".slurm/merge.sh"}).status == 0);
  }
  REQUIRE(test::count_where(merged, "status = 'done'") == 6);
  CHECK(test::deterministic_points(merged) == test::deterministic_points(local));
  CHECK(test::column_table(merged) == test::column_table(local));
}
