#include "sim/run/steady_rate_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

#include "sim/engine/steady_rate.hpp"
#include "sim/util/fd_io.hpp"
#include "sim/util/parallel.hpp"

namespace cimsim::run {

namespace {

std::atomic<bool> g_allowed{false};

// What the child sends: the longer run's cycles, or nothing (it failed; the parent runs it again
// and meets the same error itself).
struct Answer {
  std::int64_t cycles = 0;
};

}  // namespace

void allow_steady_rate_process(bool allowed) { g_allowed = allowed; }

SteadyRateProcess::SteadyRateProcess(const std::function<std::int64_t()>& longer_run, int threads) {
  if (!g_allowed || util::resolve_threads(threads) < 2) return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid == 0) {
    // The child: one run, one number, and out without running this process's exit handlers (its
    // files, its SystemC context and its outputs belong to the parent). Its messages would repeat
    // the parent's: its log is off and its standard streams go nowhere.
    ::close(fds[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // and not a moment longer than the run it serves
    spdlog::set_level(spdlog::level::off);
    if (const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    try {
      const Answer a{longer_run()};
      util::write_all(fds[1], &a, sizeof a);
    } catch (...) {
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  child_ = pid;
  answer_fd_ = fds[0];
}

double SteadyRateProcess::steady_cycles_per_inference(const mapping::ChipMap& chip, const engine::TimingParams& params,
                                                      const engine::TimingResult& run) {
  Answer a;
  const bool answered = child_ > 0 && util::read_all(answer_fd_, &a, sizeof a);
  stop();
  if (answered) {
    spdlog::debug("steady rate measured in a second process");
    return engine::steady_cycles_from(run.cycles, a.cycles, params.inferences);
  }
  return engine::steady_cycles_per_inference(chip, params, run);
}

void SteadyRateProcess::stop() {
  if (answer_fd_ >= 0) ::close(answer_fd_);
  answer_fd_ = -1;
  if (child_ <= 0) return;
  ::kill(child_, SIGKILL);  // gone already when it answered; killed when the run stopped early
  int status = 0;
  while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
  child_ = -1;
}

SteadyRateProcess::~SteadyRateProcess() { stop(); }

}  // namespace cimsim::run
