#include "sim/sweep/command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "sim/config/error.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/store.hpp"
#include "sim/util/atomic_file.hpp"

namespace fs = std::filesystem;

namespace cimsim::sweep {

const char* const kUsage =
    "usage:\n"
    "  cimsim sweep run SWEEP [--store FILE] [--jobs N] [--threads N] [--shard I/N] [--retry-failed] [--quiet]\n"
    "  cimsim sweep check SWEEP [--shard I/N] [--commands]\n"
    "  cimsim sweep merge OUT STORE [STORE ...]\n"
    "  cimsim sweep export STORE [--output FILE.csv]\n"
    "  cimsim sweep status STORE\n"
    "\n"
    "  run     run every point not yet finished (restart the same command after a kill: finished\n"
    "          points are kept, the others run again); results go to an SQLite store\n"
    "  check   check the sweep file and every point's config; list the points\n"
    "  merge   bring the stores of one sweep's shards (or of several runs) into OUT\n"
    "  export  the store as CSV (stdout, or FILE)\n"
    "  status  points done, failed and pending in a store, with the errors\n"
    "\n"
    "  --store FILE   the store (default: the sweep file's store:, else out/sweeps/NAME.db)\n"
    "  --jobs N       points run at once (default: the CPUs this process may use)\n"
    "  --threads N    functional-engine threads per point (default 1)\n"
    "  --shard I/N    run only points k with k mod N = I (a job-array task)\n"
    "  --retry-failed run failed points again\n"
    "  docs/sweeps.md describes the sweep file, the store and Slurm job arrays.\n";

namespace {

// A file written under a temporary name beside its place and renamed into it by commit(); removed
// (with SQLite's journal beside it) when not committed.
class StagedFile {
 public:
  explicit StagedFile(std::string file)
      : file_(std::move(file)), path_(file_ + ".merging-" + std::to_string(::getpid())) {
    const fs::path folder = fs::path(file_).parent_path();
    if (!folder.empty()) util::create_folders(folder.string(), "the store's folder");
    remove();
  }
  ~StagedFile() {
    if (!committed_) remove();
  }
  const std::string& path() const { return path_; }
  void commit() {
    if (::rename(path_.c_str(), file_.c_str()) != 0)
      throw config::IoError(file_, "cannot move the merged store into place", std::strerror(errno));
    committed_ = true;
  }

 private:
  void remove() {
    std::error_code ec;
    for (const char* suffix : {"", "-journal"}) fs::remove(path_ + suffix, ec);
  }
  std::string file_, path_;
  bool committed_ = false;
};

struct Parsed {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
};

[[noreturn]] void usage_error(const std::string& message) {
  throw config::InputError("cimsim sweep: error: " + message + "\n\n" + kUsage);
}

Parsed parse(const std::vector<std::string>& args, const std::set<std::string>& valued,
             const std::set<std::string>& flags) {
  static const std::map<std::string, std::string> short_names = {{"-j", "--jobs"}, {"-o", "--output"}, {"-q", "--quiet"}};
  Parsed p;
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string a = args[i];
    if (auto it = short_names.find(a); it != short_names.end()) a = it->second;
    if (valued.count(a)) {
      if (i + 1 >= args.size()) usage_error(a + " needs a value");
      p.options[a] = args[++i];
    } else if (flags.count(a)) {
      p.flags.insert(a);
    } else if (!a.empty() && a[0] == '-') {
      usage_error("unknown option '" + a + "' for 'sweep " + args[0] + "'");
    } else {
      p.positional.push_back(a);
    }
  }
  return p;
}

int count_option(const Parsed& p, const std::string& name, int fallback, int min) {
  const auto it = p.options.find(name);
  if (it == p.options.end()) return fallback;
  try {
    std::size_t used = 0;
    const int v = std::stoi(it->second, &used);
    if (used == it->second.size() && v >= min) return v;
  } catch (const std::exception&) {
  }
  usage_error(name + " expects an integer of at least " + std::to_string(min) + ", got '" + it->second + "'");
}

void need_positional(const Parsed& p, std::size_t min, std::size_t max, const std::string& what) {
  if (p.positional.size() < min || p.positional.size() > max) usage_error("expected " + what);
}

Shard shard_option(const Parsed& p) {
  const auto it = p.options.find("--shard");
  return it == p.options.end() ? Shard{} : Shard::parse(it->second);
}

int run(const std::vector<std::string>& args) {
  const Parsed p = parse(args, {"--store", "--jobs", "--threads", "--shard"}, {"--retry-failed", "--quiet"});
  need_positional(p, 1, 1, "one sweep file");
  RunOptions o;
  o.store = p.options.count("--store") ? p.options.at("--store") : "";
  o.jobs = count_option(p, "--jobs", 0, 1);
  o.threads = count_option(p, "--threads", 1, 0);
  o.shard = shard_option(p);
  o.retry_failed = p.flags.count("--retry-failed") > 0;
  o.quiet = p.flags.count("--quiet") > 0;
  return run_sweep(p.positional[0], o);
}

int check(const std::vector<std::string>& args) {
  const Parsed p = parse(args, {"--shard"}, {"--commands"});
  need_positional(p, 1, 1, "one sweep file");
  const Shard shard = shard_option(p);
  const SweepFile s = read_sweep_file(p.positional[0]);
  const Expansion x = expand(s, true);
  std::size_t in_shard = 0;
  for (const auto& pt : x.points) in_shard += shard.holds(pt) ? 1 : 0;
  std::cout << s.path << ": " << x.points.size() << " points (" << mode_name(s.mode) << " over "
            << s.parameters.size() << " parameter" << (s.parameters.size() == 1 ? "" : "s")
            << (s.seeds.empty() ? "" : ", " + std::to_string(s.seeds.size()) + " seeds each") << ")";
  if (!shard.whole()) std::cout << "; shard " << shard.text() << " holds " << in_shard;
  std::cout << "\n";
  for (const auto& pt : x.points) {
    if (!shard.holds(pt)) continue;
    std::cout << pt.index << "  " << pt.id << "  "
              << (p.flags.count("--commands") ? run_command(s, pt) : describe(s, pt)) << "\n";
  }
  return 0;
}

void print_counts(Store& store) {
  const Counts c = store.counts();
  const StoreIdentity& id = store.identity();
  std::cout << store.file() << ": " << c.done << " done, " << c.failed << " failed, " << c.pending << " pending";
  std::cout << (id.shard.empty() ? "" : " (shard " + id.shard + ")") << "; the sweep has " << id.points_total
            << " points\n";
  for (const auto& [index, error] : store.failures()) {
    std::cout << "  point " << index << " failed:\n";
    std::istringstream lines(error);
    for (std::string line; std::getline(lines, line);) std::cout << "    " << line << "\n";
  }
}

// Merges into a copy beside OUT and moves it into place only when every store merged: a merge
// refused halfway (a store of another sweep, a full disk) leaves OUT as it was, or absent.
int merge(const std::vector<std::string>& args) {
  const Parsed p = parse(args, {}, {});
  need_positional(p, 2, SIZE_MAX, "an output store and at least one store to merge");
  const std::string& out = p.positional[0];
  const std::vector<std::string> inputs(p.positional.begin() + 1, p.positional.end());
  for (const auto& in : inputs)
    if (fs::absolute(in).lexically_normal() == fs::absolute(out).lexically_normal())
      usage_error("the output store is also an input: " + out);
  // Every input, and OUT when it exists, must hold the same sweep before anything is written.
  auto first = Store::open(inputs.front(), false);
  for (std::size_t i = 1; i < inputs.size(); ++i) Store::open(inputs[i], false)->check_same_sweep(*first);
  std::error_code ec;
  const bool existed = fs::exists(out, ec);
  if (existed) Store::open(out, false)->check_same_sweep(*first);

  StagedFile staged(out);
  if (existed) Store::open(out, true)->copy_to(staged.path());  // writable only to replay a journal
  {
    auto target = Store::merge_target(staged.path(), *first);
    first.reset();
    for (const auto& in : inputs) target->merge_from(in);
  }
  staged.commit();

  auto target = Store::open(out, false);
  std::cout << "merged " << inputs.size() << " store" << (inputs.size() == 1 ? "" : "s") << " into ";
  print_counts(*target);
  const Counts c = target->counts();
  if (c.total() < target->identity().points_total)
    std::cout << (target->identity().points_total - c.total())
              << " points of the sweep are in none of the stores; `cimsim sweep run SWEEP --store " << out
              << "` runs them\n";
  return c.done == target->identity().points_total ? 0 : 1;
}

int export_csv(const std::vector<std::string>& args) {
  const Parsed p = parse(args, {"--output"}, {});
  need_positional(p, 1, 1, "one store");
  auto store = Store::open(p.positional[0], false);
  std::ostringstream csv;
  store->write_csv(csv);
  if (p.options.count("--output")) util::write_file_atomically(p.options.at("--output"), csv.str());
  else std::cout << csv.str();
  return 0;
}

int status(const std::vector<std::string>& args) {
  const Parsed p = parse(args, {}, {});
  need_positional(p, 1, 1, "one store");
  auto store = Store::open(p.positional[0], false);
  print_counts(*store);
  return 0;
}

}  // namespace

int command(const std::vector<std::string>& args) {
  if (args.empty()) usage_error("no sweep command given");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return 0;
  }
  try {
    if (args[0] == "run") return run(args);
    if (args[0] == "check") return check(args);
    if (args[0] == "merge") return merge(args);
    if (args[0] == "export") return export_csv(args);
    if (args[0] == "status") return status(args);
  } catch (const sql::StoreError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  usage_error("unknown sweep command '" + args[0] + "'");
}

}  // namespace cimsim::sweep
