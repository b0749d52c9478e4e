// Speed of the timing engine: one inference of ResNet-18 (ImageNet) and of VGG-8 (CIFAR-10),
// timing, energy and area (no accuracy: the networks come from their published layer shapes, see
// bench/shape_networks.hpp). Each workload runs in a child process so that its wall time and peak
// memory are its own. Reported beside a roofline measured in the same run: pushing and popping as
// many timed events through a binary heap as the engine's kernel handled, i.e. the cost of the
// events alone.
//
//   build/bench/bench_engine [--schedule layer_serial|pipelined] [--set SECTION.KEY=VALUE ...]

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <queue>
#include <string>
#include <vector>

#include "bench/shape_networks.hpp"
#include "bench/shape_run.hpp"
#include "sim/config/loader.hpp"
#include "sim/util/allocator.hpp"
#include "sim/util/seconds_since.hpp"

using namespace cimsim;

namespace {

// The benchmark chip: configs/default.yaml's 32 nm tiles (128×128 arrays, 2-bit cells, 8-bit SAR
// ADCs, 1-bit DACs, 8-bit weights and activations), as many of them as ResNet-18 needs, with
// buffers that hold its feature-map windows.
const std::vector<std::string> kChip = {"chip.tiles=1024", "chip.global_buffer_kib=8192", "tile.input_buffer_kib=64",
                                        "tile.output_buffer_kib=64"};

struct Figures {
  double wall_s = 0, roofline_s = 0;
  long peak_kib = 0;
  std::int64_t cycles = 0, events = 0, arrays = 0;
  double macs = 0, energy_uj = 0, area_mm2 = 0, latency_ms = 0;
};

// Pushes and pops `n` timed events through a binary heap, as a kernel must at the least.
double event_roofline(std::int64_t n) {
  const auto start = std::chrono::steady_clock::now();
  std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>> heap;
  std::int64_t now = 0, sink = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    heap.push(now + 1 + (i * 7919) % 1024);
    if (heap.size() > 1024) {
      now = heap.top();
      sink += now;
      heap.pop();
    }
  }
  while (!heap.empty()) {
    sink += heap.top();
    heap.pop();
  }
  const double s = util::seconds_since(start);
  return sink == 42 ? s + 1e-12 : s;  // keep the loop
}

Figures measure(const engine::ShapeNetwork& net, const std::vector<std::string>& sets) {
  const auto start = std::chrono::steady_clock::now();
  config::LoadOptions opt;
  opt.sets = sets;
  const bench::ShapeRun run =
      bench::run_shapes(config::load_config(std::string(CIMSIM_SOURCE_DIR) + "/configs/default.yaml", opt), net);
  Figures f;
  f.wall_s = util::seconds_since(start);
  f.cycles = run.timing.cycles;
  f.events = run.timing.kernel_events;
  f.arrays = static_cast<std::int64_t>(run.chip.arrays.size());
  f.macs = static_cast<double>(net.macs_per_sample());
  f.energy_uj = cost::sum(run.costs.energy) * 1e-6;
  f.area_mm2 = cost::sum(run.costs.area);
  f.latency_ms = run.timing.latency_ns() * 1e-6;
  f.roofline_s = event_roofline(f.events);
  return f;
}

// Runs `measure` in a child; its peak resident memory comes back through wait4.
Figures measure_apart(const engine::ShapeNetwork& net, const std::vector<std::string>& sets) {
  int pipe_fd[2];
  if (pipe(pipe_fd) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fd[0]);
    int status = 0;
    try {
      const Figures f = measure(net, sets);
      if (write(pipe_fd[1], &f, sizeof f) != static_cast<ssize_t>(sizeof f)) status = 1;
    } catch (const std::exception& e) {
      std::cerr << net.name << ": " << e.what() << "\n";
      status = 1;
    }
    _exit(status);
  }
  close(pipe_fd[1]);
  Figures f;
  const bool got = read(pipe_fd[0], &f, sizeof f) == static_cast<ssize_t>(sizeof f);
  close(pipe_fd[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!got || status != 0) throw std::runtime_error(net.name + " failed");
  f.peak_kib = usage.ru_maxrss;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  cimsim::util::keep_freed_memory();
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  std::vector<std::string> sets = kChip;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--schedule" && i + 1 < argc) sets.push_back(std::string("chip.schedule=") + argv[++i]);
    else if (a == "--set" && i + 1 < argc) sets.push_back(argv[++i]);
    else {
      std::cerr << "usage: bench_engine [--schedule layer_serial|pipelined] [--set SECTION.KEY=VALUE ...]\n";
      return 2;
    }
  }
  // Peer simulators timed on a 2-core Debian 12 machine like this one (docs/performance.md): wall
  // seconds per inference.
  struct Workload {
    engine::ShapeNetwork net;
    double neurosim_s, pimsim_s, mnsim_s;
  };
  const std::vector<Workload> workloads = {{bench::resnet18(true), 354, 127.5, 6.1}, {bench::vgg8_cifar10(), 152, 0, 6.0}};
  std::printf("%-18s %9s %9s %9s %10s %8s %8s %11s %9s %9s %9s\n", "workload", "wall s", "peak MB", "roofline",
              "events", "arrays", "GMAC", "cycles", "energy uJ", "area mm2", "vs MNSIM");
  for (const Workload& w : workloads) {
    const Figures f = measure_apart(w.net, sets);
    std::printf("%-18s %9.3f %9.1f %8.1fx %10lld %8lld %8.3f %11lld %9.2f %9.1f %8.1fx\n", w.net.name.c_str(), f.wall_s,
                f.peak_kib / 1024.0, f.wall_s / f.roofline_s, static_cast<long long>(f.events),
                static_cast<long long>(f.arrays), f.macs * 1e-9, static_cast<long long>(f.cycles), f.energy_uj,
                f.area_mm2, w.mnsim_s / f.wall_s);
    std::printf("%-18s peers: DNN+NeuroSim %.0f s (%.0fx slower)", "", w.neurosim_s, w.neurosim_s / f.wall_s);
    if (w.pimsim_s > 0) std::printf(", PIMSIM-NN %.1f s (%.0fx slower)", w.pimsim_s, w.pimsim_s / f.wall_s);
    std::printf(", MNSIM 2.0 %.1f s; simulated latency %.3f ms\n", w.mnsim_s, f.latency_ms);
  }
  return 0;
}
