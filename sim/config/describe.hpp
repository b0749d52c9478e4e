#pragma once
// Human-readable listings of the declared parameters: `cimsim describe` and the generated
// config reference (docs/config-reference.md).

#include <string>

namespace cimsim::config {

// Plain text for the terminal. `what` is "" (every section), a section name ("adc"), or a
// section and one of its models ("cell.pcm"). Throws ConfigError naming the nearest section
// when `what` is unknown.
std::string describe_text(const std::string& what);

// The whole reference as Markdown.
std::string describe_markdown();

}  // namespace cimsim::config
