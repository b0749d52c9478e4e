// The cimsim command.
//
//   cimsim run CONFIG [--set section.key=value ...] [--output DIR] [--threads N] [--trace] [--quiet]
//   cimsim check CONFIG [--set ...]         validate, map the network, print the resolved config
//   cimsim describe [SECTION[.MODEL]] [--markdown]
//   --plugin LIB (any command, repeatable) loads model plug-ins, as a config's `plugins:` does
//   cimsim sweep run|check|merge|export|status ...   parameter sweeps (sim/sweep/command.cpp)
//
// Exit status: 0 success, 2 bad input (configuration, network, data, usage), 3 I/O failure
// (output not writable, disk full), 1 anything else (a bug: please report it).

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "sim/config/describe.hpp"
#include "sim/config/loader.hpp"
#include "sim/plugins/loader.hpp"
#include "sim/report/mapping_summary.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"
#include "sim/run/steady_rate_process.hpp"
#include "sim/sweep/command.hpp"
#include "sim/util/allocator.hpp"
#include "sim/util/log.hpp"
#include "sim/util/staged_folder.hpp"

namespace {

using cimsim::config::kExitBadInput;
using cimsim::config::kExitIo;

const char* kUsage =
    "usage:\n"
    "  cimsim run CONFIG [--set SECTION.KEY=VALUE ...] [--output DIR] [--threads N] [--trace] [--quiet]\n"
    "  cimsim check CONFIG [--set SECTION.KEY=VALUE ...]\n"
    "  cimsim describe [SECTION[.MODEL]] [--markdown]\n"
    "  cimsim sweep run|check|merge|export|status ...   (cimsim sweep --help)\n"
    "  cimsim --version\n"
    "\n"
    "  run       simulate: accuracy, energy, area, latency and cycles; writes report.json, layers.csv,\n"
    "            resolved.yaml into the output folder (run.output_dir, or --output)\n"
    "  check     validate a config, load and map its network (nothing runs) and print the mapping\n"
    "            as comments and the config resolved (defaults filled, auto sizes settled)\n"
    "  describe  list parameters with type, default, unit, range and help\n"
    "  sweep     run parameter sweeps in parallel into an SQLite store; shard, merge, export CSV\n"
    "\n"
    "  --set      override any parameter (repeatable; YAML values: --set adc.bits=6)\n"
    "  --plugin   load a model plug-in library first (repeatable), e.g. to describe its models\n"
    "  --trace    also write trace.json (Perfetto/Chrome) and timing.vcd into the output folder\n"
    "  --log-level trace|debug|info|warn|error|off (default warn)\n"
    "\n"
    "exit status: 0 success; 2 bad input (configuration, network, data set, usage), with the file, place\n"
    "  and key in the message; 3 input/output failure (output folder not writable, disk full), naming the\n"
    "  path and the system's reason. A failed run leaves its output folder as it was.\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::string command, target;
  std::vector<std::string> sets, plugins;
  std::string output, threads, log_level = "warn";
  bool quiet = false, markdown = false, trace = false;
};

Args parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> rest(argv + 1, argv + argc);
  if (rest.empty()) throw UsageError("no command given");
  a.command = rest[0];
  for (std::size_t i = 1; i < rest.size(); ++i) {
    const std::string& s = rest[i];
    auto value = [&](const std::string& flag) -> std::string {
      if (i + 1 >= rest.size()) throw UsageError(flag + " needs a value");
      return rest[++i];
    };
    if (s == "--set") a.sets.push_back(value(s));
    else if (s.rfind("--set=", 0) == 0) a.sets.push_back(s.substr(6));
    else if (s == "--plugin") a.plugins.push_back(value(s));
    else if (s == "--output" || s == "-o") a.output = value(s);
    else if (s == "--threads" || s == "-j") a.threads = value(s);
    else if (s == "--log-level") a.log_level = value(s);
    else if (s.rfind("--log-level=", 0) == 0) a.log_level = s.substr(12);
    else if (s == "--quiet" || s == "-q") a.quiet = true;
    else if (s == "--trace") a.trace = true;
    else if (s == "--markdown") a.markdown = true;
    else if (!s.empty() && s[0] == '-') throw UsageError("unknown option '" + s + "'");
    else if (a.target.empty()) a.target = s;
    else throw UsageError("unexpected argument '" + s + "'");
  }
  if (!cimsim::log::is_level(a.log_level))
    throw UsageError("--log-level: '" + a.log_level + "' is not a log level; use one of " + cimsim::log::level_names());
  return a;
}

cimsim::config::Config load(const Args& a) {
  if (a.target.empty()) throw UsageError("'" + a.command + "' needs a config file");
  cimsim::config::LoadOptions opt;
  opt.sets = a.sets;
  if (!a.threads.empty()) opt.sets.push_back("run.threads=" + a.threads);
  if (!a.output.empty()) opt.sets.push_back("run.output_dir=\"" + a.output + "\"");
  if (a.trace) {
    opt.sets.push_back("trace.perfetto=true");
    opt.sets.push_back("trace.vcd=true");
  }
  return cimsim::config::load_config(a.target, opt);
}

// `text` with "# " before every line.
std::string comment_lines(const std::string& text) {
  std::string out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    const std::size_t stop = end == std::string::npos ? text.size() : end;
    out += "# " + text.substr(begin, stop - begin) + "\n";
    begin = stop + 1;
  }
  return out;
}

// The process ends once the command is done, and its memory goes back to the system whole:
// freeing a large network's map, schedule and results object by object took 0.17 s of VGG-16's
// estimate. A global keeps them reachable, so that leak checkers do not count them as leaked.
cimsim::run::Simulation* kept_until_exit = nullptr;
void keep_until_exit(std::unique_ptr<cimsim::run::Simulation> sim) { kept_until_exit = sim.release(); }

int run_command(const Args& a) {
  for (const auto& p : a.plugins)
    cimsim::plugins::load_plugin(std::filesystem::absolute(p).string(), {"<command line: --plugin " + p + ">", 0, 0});
  if (a.command == "describe") {
    std::cout << (a.markdown ? cimsim::config::describe_markdown() : cimsim::config::describe_text(a.target));
    return 0;
  }
  if (a.command == "check") {
    // Maps the network and plans the schedule (nothing is programmed or run), so that every error
    // a run would meet in its setup shows here; the mapping is printed as YAML comments.
    auto sim = cimsim::run::prepare(load(a));
    std::cout << comment_lines(cimsim::report::mapping_summary(*sim)) << cimsim::config::to_yaml(sim->config.resolved());
    keep_until_exit(std::move(sim));
    return 0;
  }
  if (a.command == "run") {
    // One run per process: the steady-rate run may take the second core in a child process.
    cimsim::run::allow_steady_rate_process(true);
    auto cfg = load(a);
    // The output folder is checked, and its staging folder made, before the run: an unwritable
    // place fails in a second, not after the simulation.
    cimsim::util::StagedFolder out(cfg.section("run").text("output_dir"));
    auto sim = cimsim::run::simulate(std::move(cfg), nullptr, out.staging());
    cimsim::report::write_outputs(*sim, out);
    if (!a.quiet) std::cout << cimsim::report::console_summary(*sim, sim->settings.output_dir);
    keep_until_exit(std::move(sim));
    return 0;
  }
  throw UsageError("unknown command '" + a.command + "'");
}

}  // namespace

int main(int argc, char** argv) {
  // Only the commands that build networks and chips: the restart costs a process start (20–40 ms).
  if (argc >= 2 && (std::string(argv[1]) == "run" || std::string(argv[1]) == "check" || std::string(argv[1]) == "sweep"))
    cimsim::util::restart_with_huge_pages(argv);
  cimsim::util::keep_freed_memory();
  // Past a file-size limit (ulimit -f) a write then fails with EFBIG and is reported, instead of
  // the signal killing the process with files half written.
  std::signal(SIGXFSZ, SIG_IGN);
  // SystemC prints a banner on first use unless told not to.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  if (argc >= 2 && (std::string(argv[1]) == "--version" || std::string(argv[1]) == "version")) {
    std::cout << "cimsim " << CIMSIM_VERSION << "\n";
    return 0;
  }
  const bool sweep = argc >= 2 && std::string(argv[1]) == "sweep";  // sweep answers --help itself
  for (int i = 1; i < argc && !sweep; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h" || (i == 1 && a == "help")) {
      std::cout << kUsage;
      return 0;
    }
  }
  try {
    if (sweep)
      return cimsim::sweep::command(std::vector<std::string>(argv + 2, argv + argc));
    const Args args = parse(argc, argv);
    cimsim::log::init(args.log_level);
    return run_command(args);
  } catch (const UsageError& e) {
    std::cerr << "cimsim: error: " << e.what() << "\n\n" << kUsage;
    return kExitBadInput;
  } catch (const cimsim::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const cimsim::config::InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const cimsim::config::IoError& e) {
    std::cerr << e.what() << "\n";
    return kExitIo;
  } catch (const std::bad_alloc&) {
    std::cerr << "cimsim: error: out of memory: this run needs more memory than the system grants it\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cimsim: internal error: " << e.what() << "\n";
    return 1;
  }
}
