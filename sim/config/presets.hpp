#pragma once
// A section's `preset:` expanded (presets.cpp). Internal to the library.

#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/config/spec.hpp"

namespace cimsim::config {

// `node` with its `preset: name` replaced by spec's preset file `name`.yaml, found in the first of
// `roots` that has it, the node's other keys laid over the preset's; presets may name presets
// (`chain` holds the files open, to catch a loop). A node without a preset comes back as it is.
// Errors (no such preset, a bad name, a loop) name the place and `path`.preset.
Node expand_presets(const Node& node, const SectionSpec& spec, const std::string& path,
                    const std::vector<std::string>& roots, std::vector<std::string>& chain);

}  // namespace cimsim::config
