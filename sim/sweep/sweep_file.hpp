#pragma once
// A sweep file: the config every point starts from, the parameters to vary and how (grid, zip or
// random), fixed overrides, repeats over seeds and chip instances. docs/sweeps.md describes the
// format. Reading checks the file's own structure; every point's config is checked against the
// parameter declarations when the points are expanded (points.hpp), before anything runs.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/node.hpp"

namespace cimsim::sweep {

enum class Mode { Grid, Zip, Random };

// Points one sweep may have (all modes, repeats included): beyond it a sweep is a mistake in the
// file (a grid of long lists, a random count with extra zeros), refused before anything expands.
constexpr std::int64_t kMaxPoints = 1'000'000;

// One `--set KEY=VALUE` of a point, with the place in the sweep file it comes from.
struct Override {
  std::string key;  // dotted config key ("adc.bits", "cell")
  config::Node value;
  config::Location where;
};

// How random mode draws a parameter: one of a list, or a number from a range.
struct Distribution {
  enum class Kind { Choice, Uniform, LogUniform, Integers };
  Kind kind = Kind::Choice;
  double lo = 0, hi = 0;  // Uniform, LogUniform: [lo, hi); Integers: lo..hi inclusive
};

struct Parameter {
  std::string key;
  config::Location where;             // of the key
  std::vector<config::Node> values;   // grid and zip; random Choice
  Distribution draw;                  // random only
};

struct SweepFile {
  std::string path;  // as given (errors name it so)
  std::string base;  // absolute path of the base config
  config::Location base_where;
  Mode mode = Mode::Grid;
  std::vector<Parameter> parameters;
  // Applied to every point, in the order written, before the varied parameters; the repeat's
  // run.chip_instances joins them.
  std::vector<Override> fixed;
  // repeat.seeds: every point runs once per value of run.seed; empty: the config's own seed.
  std::vector<config::Node> seeds;
  std::int64_t random_points = 0;  // mode random
  std::uint64_t random_seed = 1;
  config::Location random_where;
  std::string store;  // as written ("" when not given); relative to the working directory

  std::string folder() const;  // the sweep file's folder: relative paths in values start there
};

// Reads and checks a sweep file. Mistakes throw config::ConfigError naming file, line and key.
SweepFile read_sweep_file(const std::string& path);

const char* mode_name(Mode m);

}  // namespace cimsim::sweep
