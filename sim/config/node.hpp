#pragma once
// A YAML document kept with the place every key and value came from, so that any later check
// can point the user at the exact line. yaml-cpp's own nodes lose the file name on merge.

#include <string>
#include <vector>

#include "sim/config/error.hpp"

namespace cimsim::config {

class Node {
 public:
  enum class Kind { Null, Scalar, Sequence, Map };
  struct Entry;

  Node() = default;
  static Node scalar(std::string text, Location where);
  static Node map(Location where);
  static Node sequence(Location where);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_map() const { return kind_ == Kind::Map; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }
  const Location& where() const { return where_; }
  void set_where(Location where) { where_ = std::move(where); }
  std::string kind_name() const;

  // Scalar text (as written, quotes removed). Valid for scalars only.
  const std::string& text() const { return text_; }
  // Whether the scalar was quoted in the source: a quoted "8" is a string, not a number.
  bool quoted() const { return quoted_; }
  void set_quoted(bool q) { quoted_ = q; }

  // Sequences.
  const std::vector<Node>& items() const { return items_; }
  void push_back(Node item);

  // Maps keep their order of appearance.
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }
  const Node* find(const std::string& key) const;
  Node* find(const std::string& key);
  const Entry* find_entry(const std::string& key) const;
  // Sets key to value, replacing an existing entry in place or appending a new one.
  void set(const std::string& key, Location key_where, Node value);
  bool erase(const std::string& key);

 private:
  Kind kind_ = Kind::Null;
  Location where_;
  std::string text_;
  bool quoted_ = false;
  std::vector<Node> items_;
  std::vector<Entry> entries_;
};

struct Node::Entry {
  std::string key;
  Location key_where;
  Node value;
};

// Defined once Entry is complete: C++20 compilers instantiate a vector's destructor eagerly.
inline void Node::push_back(Node item) { items_.push_back(std::move(item)); }

// Parses a YAML file; syntax errors and duplicate keys become ConfigError with their place.
Node load_yaml_file(const std::string& path);
// Parses YAML text; `origin` names it in locations (a file name or "<command line>").
Node load_yaml_text(const std::string& text, const std::string& origin);

// Overlays `over` onto `base`: maps merge key by key, anything else is replaced.
void merge_into(Node& base, const Node& over);

// Writes the tree back as YAML (block style, order kept).
std::string to_yaml(const Node& node);
// The same on one line, in flow style ("{preset: pcm, g_max_us: 20}", "[4, 6]", "6"), as a value
// given to --set is written.
std::string to_flow_yaml(const Node& node);

}  // namespace cimsim::config
