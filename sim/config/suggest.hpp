#pragma once
#include <string>
#include <vector>

namespace cimsim::config {

// The candidate closest to `word` by edit distance, or "" when nothing is close enough to be a
// plausible typo (more than a third of the word would have to change).
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace cimsim::config
