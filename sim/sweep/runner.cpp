#include "sim/sweep/runner.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>

#include "sim/sweep/progress.hpp"
#include "sim/sweep/store.hpp"
#include "sim/util/atomic_file.hpp"
#include "sim/util/read_file.hpp"

namespace fs = std::filesystem;

namespace cimsim::sweep {

namespace {

std::string this_executable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the cimsim executable (/proc/self/exe): " + ec.message());
  return p.string();
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// The folder beside the store where points write their outputs while they run, and the lock that
// keeps a second sweep off the same store. A sweep killed midway leaves it behind; the next run
// clears it (its children died with it: they get SIGKILL when the sweep dies).
class WorkDir {
 public:
  // Absolute, because the points run in the sweep file's folder.
  explicit WorkDir(const std::string& store) : dir_(fs::absolute(store).string() + ".work") {
    util::create_folders(dir_, "the sweep's work folder");
    const std::string lock = dir_ + "/lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw config::IoError(lock, "cannot open the sweep's lock", std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw config::InputError(store + ": error: another sweep is running on this store (lock " + lock + ")");
    }
    for (const auto& entry : fs::directory_iterator(dir_))
      if (entry.path().filename() != "lock") fs::remove_all(entry.path());
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    ::close(fd_);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  std::string point(const std::string& id) const { return dir_ + "/" + id; }

 private:
  std::string dir_;
  int fd_ = -1;
};

// Starts `binary args` in `cwd` with stdout and stderr into files. The child is killed when this
// process dies, however it dies, so a killed sweep leaves no point running behind it.
pid_t spawn(const std::string& binary, const std::vector<std::string>& args, const std::string& cwd,
            const std::string& out_file, const std::string& err_file) {
  std::vector<std::string> owned = args;
  owned.insert(owned.begin(), binary);
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start a point: fork: ") + std::strerror(errno));
  if (pid > 0) return pid;
  // Child: only async-signal-safe calls from here on.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(125);  // the sweep died before the line above took effect
  const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int in = ::open("/dev/null", O_RDONLY);
  if (out < 0 || err < 0 || in < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 || ::dup2(in, 0) < 0) ::_exit(126);
  if (::chdir(cwd.c_str()) != 0) ::_exit(126);
  ::execv(binary.c_str(), argv.data());
  ::_exit(127);
}

std::string failure_text(int status, const std::string& stderr_text) {
  constexpr std::size_t kKeep = 4000;  // the end of a long error output says what went wrong
  std::string text = stderr_text;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.size() > kKeep) text = "..." + text.substr(text.size() - kKeep);
  std::string how;
  if (WIFEXITED(status)) how = "exit status " + std::to_string(WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) how = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                      strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status) && WEXITSTATUS(status) >= 125)
    text += (text.empty() ? "" : "\n") + std::string("cannot start the point's cimsim process");
  return text.empty() ? how : text + "\n(" + how + ")";
}

// The line of a failure that says what went wrong: the last one the point printed.
std::string headline(const std::string& error) {
  std::string text = error.substr(0, error.rfind("\n("));
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

PointRow row_of(const SweepFile& s, const Point& p) {
  PointRow r;
  r.id = p.id;
  r.index = static_cast<std::int64_t>(p.index);
  r.seed = p.seed;
  for (const auto& v : p.values) {
    // Numbers are stored as numbers, so that the columns sort and plot as such.
    const sql::Cell number = number_in(v, false);
    r.parameters.push_back(std::holds_alternative<std::monostate>(number) ? sql::Cell{config::to_flow_yaml(v)} : number);
  }
  r.overrides = overrides_text(p);
  r.command = run_command(s, p);
  return r;
}

struct Running {
  const Point* point;
  std::string dir;
  std::chrono::steady_clock::time_point start;
};

// What a finished point left behind: its report and metrics, or why it failed.
Outcome outcome_of(const Running& r, int status, std::chrono::steady_clock::time_point ended,
                   const std::string& host) {
  Outcome out;
  out.host = host;
  out.wall_s = std::chrono::duration<double>(ended - r.start).count();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    try {
      const std::string report_file = r.dir + "/report.json";
      if (!fs::is_regular_file(report_file)) throw std::runtime_error(report_file + ": error: the run wrote no report");
      out.report = util::read_file(report_file);
      out.metrics = report_metrics(out.report, report_file);
      out.done = true;
    } catch (const std::exception& e) {
      out.error = e.what();
    }
  } else {
    out.error = failure_text(status, util::read_file(r.dir + "/stderr.txt"));
  }
  return out;
}

// Runs the queued points, up to o.jobs at a time, recording each outcome as it comes.
void run_points(const SweepFile& s, const std::vector<const Point*>& queue, const RunOptions& o, const WorkDir& work,
                Store& store, SweepProgress& progress) {
  const std::string binary = o.binary.empty() ? this_executable() : o.binary;
  const std::string host = host_name();
  const std::size_t jobs = static_cast<std::size_t>(o.jobs > 0 ? o.jobs : available_cpus());
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  auto fill = [&] {
    while (running.size() < jobs && next < queue.size()) {
      const Point* p = queue[next++];
      const std::string dir = work.point(p->id);
      util::create_folders(dir, "the point's work folder");
      std::vector<std::string> args = run_arguments(s, *p);
      args.insert(args.end(), {"--output", dir, "--threads", std::to_string(o.threads), "--quiet"});
      const pid_t pid = spawn(binary, args, s.folder(), dir + "/stdout.txt", dir + "/stderr.txt");
      running[pid] = {p, dir, std::chrono::steady_clock::now()};
    }
  };
  fill();
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const auto ended = std::chrono::steady_clock::now();
    const Running r = it->second;
    running.erase(it);
    // The next point starts before this one is recorded: the store's write (an fsync) then
    // overlaps a running point instead of adding to the sweep's time.
    fill();
    const Outcome out = outcome_of(r, status, ended, host);
    store.finish(r.point->id, out);
    std::error_code ec;
    fs::remove_all(r.dir, ec);
    progress.point_finished(std::to_string(r.point->index) + " (" + describe(s, *r.point) + ")", out.done,
                            out.wall_s);
  }
}

}  // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

std::string default_store(const SweepFile& s, const Shard& shard) {
  if (!s.store.empty()) {
    if (shard.whole()) return s.store;
    const fs::path p(s.store);
    return (p.parent_path() / (p.stem().string() + ".shard-" + std::to_string(shard.index) + "-of-" +
                               std::to_string(shard.count) + p.extension().string())).string();
  }
  const std::string stem = fs::path(s.path).stem().string();
  return "out/sweeps/" + stem +
         (shard.whole() ? "" : ".shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count)) + ".db";
}

int run_sweep(const std::string& sweep_file, const RunOptions& o) {
  const SweepFile s = read_sweep_file(sweep_file);
  const Expansion x = expand(s, true);  // every point and workload checked before anything runs

  StoreIdentity identity;
  identity.base_hash = x.base_hash;
  identity.points_hash = x.points_hash;
  identity.points_total = static_cast<std::int64_t>(x.points.size());
  identity.shard = o.shard.text();
  identity.sweep_file = fs::absolute(s.path).lexically_normal().string();
  identity.base_config = s.base;
  std::vector<std::string> parameter_columns;
  for (const auto& p : s.parameters) parameter_columns.push_back(p.key);

  const std::string store_file = o.store.empty() ? default_store(s, o.shard) : o.store;
  const WorkDir work(store_file);
  auto store = Store::for_sweep(store_file, identity, parameter_columns);
  std::vector<PointRow> rows;
  std::map<std::string, const Point*> by_id;
  for (const auto& p : x.points) {
    if (!o.shard.holds(p)) continue;
    rows.push_back(row_of(s, p));
    by_id[p.id] = &p;
  }
  store->add_points(rows);

  std::vector<const Point*> queue;
  for (const auto& id : store->to_run(o.retry_failed)) queue.push_back(by_id.at(id));
  Counts start = store->counts();
  start.pending += o.retry_failed ? start.failed : 0;
  start.failed -= o.retry_failed ? start.failed : 0;
  SweepProgress progress(start, !o.quiet);

  run_points(s, queue, o, work, *store, progress);
  progress.finish();

  const Counts end = store->counts();
  if (!o.quiet) {
    std::cout << "sweep: " << end.total() << " points in " << store_file << ": " << end.done << " done, "
              << end.failed << " failed";
    if (!o.shard.whole()) std::cout << " (shard " << o.shard.text() << " of " << x.points.size() << " points)";
    std::cout << "\n";
    for (const auto& [index, error] : store->failures())
      std::cout << "  point " << index << ": " << headline(error) << "\n";
  }
  return end.failed > 0 || end.pending > 0 ? 1 : 0;
}

}  // namespace cimsim::sweep
