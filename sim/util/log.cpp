#include "sim/util/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <atomic>

namespace cimsim::log {

namespace {

std::atomic<SimTimeSource> g_source{nullptr};

class SimTimeFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const SimTimeSource src = g_source.load();
    const std::string text = src ? fmt::format("t={:.1f}ns", src()) : std::string("t=-");
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SimTimeFlag>(); }
};

}  // namespace

namespace {
const char* const kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
}  // namespace

bool is_level(const std::string& level) {
  for (const char* l : kLevels)
    if (level == l) return true;
  return false;
}

std::string level_names() {
  std::string out;
  for (const char* l : kLevels) out += (out.empty() ? "" : ", ") + std::string(l);
  return out;
}

void set_sim_time_source(SimTimeSource source) { g_source = source; }

void init(const std::string& level) {
  spdlog::drop("cimsim");
  auto logger = spdlog::stderr_color_mt("cimsim");
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SimTimeFlag>('*').set_pattern("[%l] [%*] %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace cimsim::log
