#include "sim/config/schema.hpp"

#include <algorithm>
#include <stdexcept>

namespace cimsim::config {

Schema& Schema::global() {
  static Schema s;
  return s;
}

void Schema::add(SectionSpec (*make)()) {
  if (!built_.empty()) throw std::logic_error("config section registered after first use");
  makers_.push_back(make);
}

const std::vector<std::unique_ptr<SectionSpec>>& Schema::sections() const {
  if (built_.empty() && !makers_.empty()) {
    for (auto* make : makers_) built_.push_back(std::make_unique<SectionSpec>(make()));
    std::sort(built_.begin(), built_.end(), [](const auto& a, const auto& b) {
      if (a->sort_order() != b->sort_order()) return a->sort_order() < b->sort_order();
      return a->name() < b->name();
    });
    for (std::size_t i = 1; i < built_.size(); ++i)
      if (built_[i]->name() == built_[i - 1]->name())
        throw std::logic_error("config section registered twice: " + built_[i]->name());
  }
  return built_;
}

const SectionSpec* Schema::find(const std::string& name) const {
  for (const auto& s : sections())
    if (s->name() == name) return s.get();
  return nullptr;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  for (const auto& s : sections()) out.push_back(s->name());
  return out;
}

}  // namespace cimsim::config
