// A sweep killed with SIGKILL midway and restarted with the same command ends with every point
// exactly once, and with the same results as a sweep that was never interrupted.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "sweep_support.hpp"

using namespace cimsim;

namespace {

pid_t start_cimsim(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr)) std::_Exit(127);
    std::vector<std::string> copy = args;
    copy.insert(copy.begin(), test::binary());
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(copy.front().c_str(), argv.data());
    std::_Exit(127);
  }
  return pid;
}

// Done points in the store, or -1 while it is not there yet.
std::int64_t done_points(const std::string& store) {
  if (!std::filesystem::exists(store)) return -1;
  try {
    return test::count_where(store, "status = 'done'");
  } catch (const std::exception&) {
    return -1;  // the schema is still being created
  }
}

// Live processes whose command line mentions `text` (a zombie's command line is empty).
int processes_mentioning(const std::string& text) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(text) != std::string::npos) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("sweep resume: SIGKILL midway, restart, every point exactly once", "[sweep]") {
  test::TempDir dir;
  // 8 points of about 0.2 s each (2 chip instances over the 360 test samples), two at a time.
  const std::string sweep = test::write_sweep(
      dir, "k.yaml", "parameters:\n  adc.bits: [4, 5, 6, 7]\n  cell.sigma_us: [0.3, 0.9]\nrepeat: {chip_instances: 2}\n");
  const std::string store = dir.path() + "/k.db";
  const std::vector<std::string> command = {"sweep", "run", sweep, "--store", store, "--jobs", "2"};

  const pid_t pid = start_cimsim(command);
  REQUIRE(pid > 0);
  // Bounded wait for two finished points (about 0.3 s), polling the store as a reader would.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::int64_t done = -1;
  while ((done = done_points(store)) < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // While it runs, a second sweep on the same store is refused.
  const auto second = test::run_cimsim(command);
  CHECK(second.status == 2);
  CHECK_THAT(second.err, Catch::Contains("another sweep is running on this store"));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(done >= 2);
  const std::int64_t done_at_kill = done_points(store);
  INFO("done when killed: " << done_at_kill);
  REQUIRE(done_at_kill < 8);  // killed midway, not after the end
  // The killed sweep's running points died with it. They run `cimsim run ... --output
  // k.db.work/ID`; the two started as the second point finished, a few milliseconds before the
  // kill, and would run for 0.2 s more had they outlived the sweep.
  const auto gone_by = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  while (processes_mentioning(store + ".work/") > 0 && std::chrono::steady_clock::now() < gone_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(processes_mentioning(store + ".work/") == 0);
  CHECK(done_points(store) == done_at_kill);
  CHECK(test::count_where(store, "1") == 8);  // every point recorded up front, as pending

  // The same command again finishes the rest and only the rest.
  const auto r = test::run_cimsim(command);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("8 points in " + store + ": 8 done, 0 failed"));
  std::size_t reran = 0;
  for (std::size_t at = 0; (at = r.err.find("sweep: point ", at)) != std::string::npos; ++at) ++reran;
  CHECK(reran == static_cast<std::size_t>(8 - done_at_kill));
  CHECK(test::count_where(store, "status = 'done'") == 8);
  CHECK_FALSE(std::filesystem::exists(store + ".work"));

  // Exactly the points of an uninterrupted run, with the same results.
  const std::string clean = dir.path() + "/clean.db";
  REQUIRE(test::run_cimsim({"sweep", "run", sweep, "--store", clean, "--jobs", "2", "--quiet"}).status == 0);
  CHECK(test::deterministic_points(store) == test::deterministic_points(clean));
}
