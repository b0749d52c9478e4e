#pragma once
// The set of top-level config sections. Each component registers the section it reads, in its
// own source file, with a static SectionRegistrar; nothing central lists them.

#include <memory>
#include <string>
#include <vector>

#include "sim/config/spec.hpp"

namespace cimsim::config {

class Schema {
 public:
  static Schema& global();

  void add(SectionSpec (*make)());
  // Sections sorted by their declared order, then name. Built on first use.
  const std::vector<std::unique_ptr<SectionSpec>>& sections() const;
  const SectionSpec* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<SectionSpec (*)()> makers_;
  mutable std::vector<std::unique_ptr<SectionSpec>> built_;
};

struct SectionRegistrar {
  explicit SectionRegistrar(SectionSpec (*make)()) { Schema::global().add(make); }
};

}  // namespace cimsim::config
