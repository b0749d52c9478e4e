#include "sim/config/schema.hpp"
#include "sim/run/simulation.hpp"

namespace cimsim::run {

namespace {

config::SectionSpec run_section() {
  config::SectionSpec s("run", "The run: seed, threads, outputs, chip instances, time since programming");
  s.order(0);
  s.integer("seed", 1, "", "Seed of every random draw (counter-based: same seed, same result on any thread count)")
      .at_least(0);
  s.integer("threads", 0, "threads", "Worker threads for the functional engine and the programming cost; with 2 or more, `cimsim run` times the steady rate in a second process beside the run; 0 = all cores")
      .range(0, 1024);
  s.integer("batch_size", 64, "samples",
            "Samples per functional batch; results do not depend on it, nor on the thread count")
      .range(1, 1 << 20);
  s.text("output_dir", "out/default", "Folder for report.json, layers.csv and the resolved config (relative to "
                                      "the working directory)");
  s.integer("chip_instances", 1, "chips", "Independently programmed chips to evaluate (Monte Carlo over "
                                          "programming variation)")
      .range(1, 100000);
  s.real("t_inference_s", 1.0, "s", "Time from programming to inference (drift, relaxation)").above(0);
  s.real("temperature_k", 300, "K", "Operating temperature of the chip (cells with published temperature dependences: docs/devices.md)").range(200, 500);
  s.integer("timing_inferences", 1, "inferences", "Inferences the timing engine runs back to back").range(1, 1 << 20);
  s.choice("progress", "auto", {"auto", "always", "never"}, "Progress bar on stderr (auto: when stderr is a terminal)");
  s.choice("mode", "auto", {"auto", "full", "estimate"},
           "full: program the chip and run the functional engine over the test set (accuracy, measured read "
           "activity); estimate: cycles, energy and area without programming or functional engine, read energy "
           "from uniform digits; auto: full when the test set has labels, estimate otherwise");
  s.real("array_memory_mib", 1024, "MiB",
         "Memory for the programmed arrays of one chip, as reads use them (conductances, noise variances); "
         "arrays beyond it are programmed again, with the same draws, each time a batch reads them: the "
         "results do not change, the time does. 0 = no limit")
      .at_least(0);
  return s;
}
const config::SectionRegistrar registered(run_section);

}  // namespace

RunSettings RunSettings::from(const config::Params& p) {
  RunSettings s;
  s.seed = static_cast<std::uint64_t>(p.integer("seed"));
  s.threads = static_cast<int>(p.integer("threads"));
  s.batch_size = static_cast<int>(p.integer("batch_size"));
  s.output_dir = p.text("output_dir");
  s.chip_instances = static_cast<int>(p.integer("chip_instances"));
  s.t_inference_s = p.real("t_inference_s");
  s.temperature_k = p.real("temperature_k");
  s.timing_inferences = static_cast<int>(p.integer("timing_inferences"));
  s.progress = p.text("progress");
  s.mode = p.text("mode");
  s.array_memory_mib = p.real("array_memory_mib");
  return s;
}

}  // namespace cimsim::run
