// A main() for the harnesses of this folder in builds without libFuzzer (GCC, the Release build
// the test suite runs in). It feeds the harness the shipped files its `// seeds:` line names and
// random mutations of them for a fixed time: no coverage feedback, so it finds less per input than
// libFuzzer, but it runs every parser on malformed input in every test run, at full speed.
//
//   fuzz_NAME [--seconds N] [--runs N] [--seed S] [--crash-file PATH] [FILE ...]
//
// Seeds come from the harness source's `// seeds:` line (globs relative to the source tree) unless
// files are given. A crash, an abort, an escaped exception or an input that takes longer than
// --timeout seconds writes the input to the crash file and exits 1; otherwise it prints what it ran
// and exits 0. The sequence of inputs depends only on the seed, so a failure repeats with the same
// --seed (and fewer --runs than the failing run made).

#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// The input being run, kept where the signal handler can reach it without allocating.
const std::string* g_current = nullptr;
char g_crash_file[4096] = "fuzz-crash.bin";
const char* g_harness = "harness";

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) return;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void on_fatal_signal(int sig) {
  // Only async-signal-safe calls from here on.
  const int fd = ::open(g_crash_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0 && g_current != nullptr) {
    write_all(fd, g_current->data(), g_current->size());
    ::close(fd);
  }
  const char* what = sig == SIGALRM ? "took longer than the timeout" : "crashed";
  const char* pre = "fuzz: ";
  write_all(2, pre, std::strlen(pre));
  write_all(2, g_harness, std::strlen(g_harness));
  write_all(2, " ", 1);
  write_all(2, what, std::strlen(what));
  const char* mid = " (signal ";
  write_all(2, mid, std::strlen(mid));
  char num[8];
  int len = 0;
  for (int v = sig; v > 0 && len < 7; v /= 10) num[len++] = static_cast<char>('0' + v % 10);
  while (len > 0) write_all(2, &num[--len], 1);
  const char* post = "); the input is in ";
  write_all(2, post, std::strlen(post));
  write_all(2, g_crash_file, std::strlen(g_crash_file));
  write_all(2, "\n", 1);
  ::_exit(1);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The files the harness source names on its `// seeds:` line.
std::vector<std::string> seed_files() {
  std::ifstream src(CIMSIM_HARNESS_SOURCE);
  std::string line, patterns;
  while (std::getline(src, line))
    if (line.rfind("// seeds: ", 0) == 0) patterns = line.substr(10);
  std::vector<std::string> files;
  std::istringstream words(patterns);
  std::string pattern;
  while (words >> pattern) {
    const std::string full = std::string(CIMSIM_SOURCE_DIR) + "/" + pattern;
    glob_t g{};
    if (::glob(full.c_str(), 0, nullptr, &g) == 0)
      for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
  }
  return files;
}

// Values and tokens parsers stumble on: limits of the integer types, non-finite and denormal
// numbers, YAML structure (anchors, aliases, merges, flow collections) and NUL bytes.
const std::vector<std::string>& tokens() {
  static const std::vector<std::string> t = {
      "0", "-1", "1", "2", "-0", "255", "256", "65536", "2147483647", "2147483648", "-2147483649",
      "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616", "1e309",
      "-1e309", "1e-320", "nan", ".nan", "inf", ".inf", "0x7fffffff", "1e18", "&a ", "*a", "<<: *a",
      "[", "]", "{", "}", ": ", "- ", "\n", "\t", "'", "\"", "~", "null", "!!binary ", std::string(1, '\0'),
      "include: ", "../", "/dev/zero", "(", ")", ",", "'<f4'", "'<i8'", "'|u1'", "True", "False"};
  return t;
}

class Mutator {
 public:
  Mutator(std::uint64_t seed, const std::vector<std::string>& seeds) : rng_(seed), seeds_(seeds) {
    // Inputs up to 64 KiB, or as long as the longest shipped file (whole ONNX models).
    for (const std::string& s : seeds_) max_len_ = std::max(max_len_, s.size());
  }

  std::string next() {
    std::string s = pick_parent();
    const int n = 1 + static_cast<int>(below(4));
    for (int i = 0; i < n; ++i) mutate(s);
    if (s.size() > max_len_) s.resize(max_len_);
    recent_[count_++ % recent_.size()] = s;
    return s;
  }

 private:
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  std::string pick_parent() {
    // Mostly a shipped file; sometimes a recent mutant, so that mutations stack up.
    if (count_ > 0 && below(4) == 0) return recent_[below(std::min<std::uint64_t>(count_, recent_.size()))];
    return seeds_[below(seeds_.size())];
  }

  const std::string& any_seed() { return seeds_[below(seeds_.size())]; }

  void mutate(std::string& s) {
    const std::size_t at = below(s.size() + 1);
    switch (below(8)) {
      case 0:  // flip one bit
        if (!s.empty()) s[at % s.size()] = static_cast<char>(s[at % s.size()] ^ (1 << below(8)));
        break;
      case 1: {  // one byte to an arbitrary value
        if (!s.empty()) s[at % s.size()] = static_cast<char>(below(256));
        break;
      }
      case 2:  // delete a run
        s.erase(at, 1 + below(16));
        break;
      case 3: {  // insert a run of this input or of another file
        const std::string& from = below(2) ? s : any_seed();
        if (from.empty()) break;
        const std::size_t start = below(from.size());
        s.insert(at, from.substr(start, 1 + below(64)));
        break;
      }
      case 4:  // insert a token
        s.insert(at, tokens()[below(tokens().size())]);
        break;
      case 5: {  // replace a number (the first digit run at or after `at`) with a token
        std::size_t b = s.find_first_of("0123456789", at);
        if (b == std::string::npos) b = s.find_first_of("0123456789");
        if (b == std::string::npos) break;
        std::size_t e = s.find_first_not_of("0123456789.eE+-", b);
        if (e == std::string::npos) e = s.size();
        s.replace(b, e - b, tokens()[below(tokens().size())]);
        break;
      }
      case 6: {  // splice: this input's head, another file's tail
        const std::string& other = any_seed();
        s = s.substr(0, at) + other.substr(below(other.size() + 1));
        break;
      }
      default:  // truncate
        s.resize(at);
        break;
    }
  }

  std::mt19937_64 rng_;
  const std::vector<std::string>& seeds_;
  std::vector<std::string> recent_ = std::vector<std::string>(64);
  std::uint64_t count_ = 0;
  std::size_t max_len_ = 1 << 16;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "fuzz: %s\nusage: %s [--seconds N] [--runs N] [--seed S] [--timeout S] [--crash-file PATH] [FILE ...]\n",
               why, g_harness);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  g_harness = argv[0];
  double seconds = 10;
  long long runs = -1;
  std::uint64_t seed = 1;
  unsigned timeout = 60;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--seconds") seconds = std::atof(value());
    else if (a == "--runs") runs = std::atoll(value());
    else if (a == "--seed") seed = std::strtoull(value(), nullptr, 10);
    else if (a == "--timeout") timeout = static_cast<unsigned>(std::atoi(value()));
    else if (a == "--crash-file") std::snprintf(g_crash_file, sizeof g_crash_file, "%s", value());
    else if (!a.empty() && a[0] == '-') usage(("unknown option " + a).c_str());
    else files.push_back(a);
  }
  if (files.empty()) files = seed_files();
  std::vector<std::string> seeds;
  for (const std::string& f : files) seeds.push_back(read_file(f));
  if (seeds.empty()) usage("no seed files (none given, and none match the harness's // seeds: line)");

  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM}) ::signal(sig, on_fatal_signal);

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  long long done = 0;
  // The shipped files themselves first, then mutants until the time or the count runs out.
  for (const std::string& s : seeds) {
    g_current = &s;
    ::alarm(timeout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    ++done;
  }
  Mutator mutator(seed, seeds);
  while (runs < 0 ? elapsed() < seconds : done < runs) {
    const std::string input = mutator.next();
    g_current = &input;
    ::alarm(timeout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    ++done;
  }
  ::alarm(0);
  g_current = nullptr;
  std::printf("fuzz: %s ran %lld inputs (%zu shipped files and their mutations, seed %llu) in %.1f s: nothing found\n",
              g_harness, done, seeds.size(), static_cast<unsigned long long>(seed), elapsed());
  return 0;
}
