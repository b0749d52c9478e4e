// What a sweep costs beyond its points. Roofline: the same points run one after another as plain
// `cimsim run` processes, measured in the same run. The sweep adds checking every point's config
// up front, one SQLite transaction per point and reading each report back; with more jobs it
// should approach (points alone) / (CPUs).
//
//   build/bench/bench_sweep [POINTS]     (default 24; the digits MLP on configs/default.yaml)

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/sweep/points.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/util/allocator.hpp"
#include "sim/util/seconds_since.hpp"

extern char** environ;
namespace fs = std::filesystem;
using namespace cimsim;

namespace {

int run_process(const std::string& binary, std::vector<std::string> args) {
  args.insert(args.begin(), binary);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) return -1;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  cimsim::util::keep_freed_memory();
  const int points = argc > 1 ? std::stoi(argv[1]) : 24;
  const std::string binary = (fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "cimsim").string();
  const fs::path tmp = fs::temp_directory_path() / ("cimsim-bench-sweep-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  const std::string sweep_file = (tmp / "bench.yaml").string();
  std::ofstream(sweep_file) << "base: " CIMSIM_SOURCE_DIR "/configs/default.yaml\nmode: random\nrandom: {points: "
                            << points << ", seed: 1}\nparameters:\n  cell.sigma_us: {uniform: [0.1, 1.0]}\n";

  const sweep::SweepFile s = sweep::read_sweep_file(sweep_file);
  auto t = std::chrono::steady_clock::now();
  const sweep::Expansion x = sweep::expand(s);
  const double check_s = util::seconds_since(t);

  t = std::chrono::steady_clock::now();
  for (const auto& p : x.points) {
    auto args = sweep::run_arguments(s, p);
    args.insert(args.end(), {"--output", (tmp / "alone").string(), "--threads", "1", "--quiet"});
    if (run_process(binary, args) != 0) {
      std::fprintf(stderr, "bench_sweep: point %zu failed alone\n", p.index);
      return 1;
    }
  }
  const double alone_s = util::seconds_since(t);

  auto sweep_with = [&](int jobs) {
    const std::string store = (tmp / ("jobs" + std::to_string(jobs) + ".db")).string();
    const auto start = std::chrono::steady_clock::now();
    if (run_process(binary, {"sweep", "run", sweep_file, "--store", store, "--jobs", std::to_string(jobs),
                             "--threads", "1", "--quiet"}) != 0)
      std::fprintf(stderr, "bench_sweep: the sweep with %d jobs failed\n", jobs);
    return util::seconds_since(start);
  };
  const int cpus = sweep::available_cpus();
  const double one_s = sweep_with(1);
  const double all_s = sweep_with(cpus);
  fs::remove_all(tmp);

  std::printf("points                               %d (digits MLP, 360 test samples, 1 thread each)\n", points);
  std::printf("checking every point's config        %.3f s (%.2f ms per point)\n", check_s, 1e3 * check_s / points);
  std::printf("roofline: points alone, one by one   %.3f s (%.1f ms per point)\n", alone_s, 1e3 * alone_s / points);
  std::printf("sweep, 1 job                         %.3f s  = %.3f x roofline (%.1f ms per point over it)\n", one_s,
              one_s / alone_s, 1e3 * (one_s - alone_s) / points);
  std::printf("sweep, %d jobs                        %.3f s  = %.3f x roofline (ideal %.3f)\n", cpus, all_s,
              all_s / alone_s, 1.0 / cpus);
  return 0;
}
