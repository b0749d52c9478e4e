#include "python/src/warnings.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace cimsim::python {

namespace {

class CollectingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> drain() {
    std::lock_guard<std::mutex> lock(base_sink<std::mutex>::mutex_);
    std::vector<std::string> out;
    out.swap(messages_);
    return out;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    messages_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> messages_;
};

std::shared_ptr<CollectingSink>& sink() {
  static std::shared_ptr<CollectingSink> s = std::make_shared<CollectingSink>();
  return s;
}

}  // namespace

void collect_warnings() {
  auto logger = std::make_shared<spdlog::logger>("cimsim", sink());
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

std::vector<std::string> drain_warnings() { return sink()->drain(); }

}  // namespace cimsim::python
