#include "sim/api/cimsim.hpp"

#include <mutex>

#include "sim/api/output_collector.hpp"
#include "sim/config/loader.hpp"
#include "sim/report/report.hpp"
#include "sim/run/simulation.hpp"
#include "sim/util/progress.hpp"

namespace cimsim::api {

namespace {

std::mutex progress_mutex;
Progress latest;

void on_progress(const char* label, std::size_t done, std::size_t total) {
  std::lock_guard<std::mutex> lock(progress_mutex);
  if (latest.label != label) latest.label = label;
  latest.done = done;
  latest.total = total;
}

// Clears the cancel request when a run ends, however it ends.
struct CancelRequestScope {
  ~CancelRequestScope() { util::clear_cancel(); }
};

config::LoadOptions with_sets(const std::vector<std::string>& sets) {
  config::LoadOptions o;
  o.sets = sets;
  return o;
}

}  // namespace

std::string version() { return CIMSIM_VERSION; }

Config Config::from_file(const std::string& path, const std::vector<std::string>& sets) {
  return Config(std::make_shared<const config::Config>(config::load_config(path, with_sets(sets))));
}

Config Config::from_text(const std::string& yaml, const std::string& origin, const std::vector<std::string>& sets) {
  return Config(std::make_shared<const config::Config>(config::load_config_text(yaml, origin, with_sets(sets))));
}

std::string Config::resolved_yaml() const { return config::to_yaml(impl_->resolved()); }
const std::string& Config::source() const { return impl_->source(); }
std::string Config::output_dir() const { return impl_->section("run").text("output_dir"); }

Result::Result() = default;
Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&&) noexcept = default;
Result::~Result() = default;

std::string Result::layers_csv() const { return report::build_layers_csv(*sim_); }
std::string Result::wallclock_json() const { return report::build_wallclock_json(*sim_).dump(2); }
std::string Result::resolved_yaml() const { return config::to_yaml(sim_->config.resolved()); }
std::string Result::console_summary(const std::string& output_dir) const {
  return report::console_summary(*sim_, output_dir);
}
void Result::write(const std::string& dir) const { report::write_outputs(*sim_, dir); }
const std::vector<std::int64_t>& Result::labels() const { return sim_->test.labels; }
double Result::wall_seconds() const { return sim_->wall_seconds; }

Result run(const Config& config, const RunOptions& options) {
  const CancelRequestScope clear_request_at_end;
  const config::Params& rs = config.internal().section("run");
  if (options.record_outputs && options.outputs_instance >= rs.integer("chip_instances"))
    rs.fail("chip_instances", "outputs of chip instance " + std::to_string(options.outputs_instance) +
                                  " were asked for, but the run programs " +
                                  std::to_string(rs.integer("chip_instances")) + " chip(s), numbered from 0");
  util::set_progress_listener(&on_progress);
  {
    std::lock_guard<std::mutex> lock(progress_mutex);
    latest = Progress{};
  }
  OutputCollector collector(options.outputs_instance, options.record_input_codes);
  Result r;
  r.sim_ = run::simulate(config.internal(), options.record_outputs ? &collector : nullptr);
  r.report_json_ = report::build_json(*r.sim_).dump(2);
  if (options.record_outputs) r.outputs_ = collector.take(*r.sim_);
  r.outputs_instance_ = options.outputs_instance;
  return r;
}

void cancel() { util::request_cancel(); }

Progress progress() {
  std::lock_guard<std::mutex> lock(progress_mutex);
  return latest;
}

}  // namespace cimsim::api
