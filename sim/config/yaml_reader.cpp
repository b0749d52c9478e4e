// YAML text to config::Node, through yaml-cpp's event parser rather than its node tree, so that
// the document's size is bounded while it is read. Anchors and aliases are expanded here: an alias
// copies its anchor's node, and every copy counts against kMaxValues, so an alias bomb ("billion
// laughs") stops at the alias that crosses the bound instead of expanding for ever. Nesting is
// bounded too, which keeps every recursive walk over a Node (merging, writing) shallow.

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <sstream>

#include "sim/config/node.hpp"
#include "sim/util/read_file.hpp"

namespace cimsim::config {

namespace {

// Values (scalars, lists, maps) in one document after aliases are expanded. Real configs, sweep
// files and layer lists hold a few thousand.
constexpr std::size_t kMaxValues = 1'000'000;
constexpr std::size_t kMaxDepth = 200;
constexpr std::uint64_t kMaxFileBytes = 16u << 20;

Location at(const std::string& file, const YAML::Mark& m) {
  if (m.is_null()) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

class Builder : public YAML::EventHandler {
 public:
  explicit Builder(std::string file) : file_(std::move(file)) {}

  bool done() const { return has_root_; }
  Node take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    n.set_where(at(file_, mark));
    count(1, mark);
    finish(std::move(n), 1, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      throw ConfigError(at(file_, mark), "", "this alias refers to the list or map that contains it");
    count(it->second.second, mark);
    finish(it->second.first, it->second.second, YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n = Node::scalar(value, at(file_, mark));
    // yaml-cpp tags plain scalars "?" and quoted ones "!": a quoted "8" is a string, not a number.
    n.set_quoted(tag == "!");
    count(1, mark);
    finish(std::move(n), 1, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::sequence(at(file_, mark)), anchor, mark);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::map(at(file_, mark)), anchor, mark);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor;
    std::size_t values = 1;  // this node and everything in it
    bool has_key = false;
    Node key;
  };

  void count(std::size_t values, const YAML::Mark& mark) {
    values_ += values;
    if (values_ > kMaxValues)
      throw ConfigError(at(file_, mark), "",
                        "the document expands to more than " + std::to_string(kMaxValues) +
                            " values (aliases of aliases multiply: an alias bomb?)");
  }

  void open(Node n, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (stack_.size() >= kMaxDepth)
      throw ConfigError(at(file_, mark), "",
                        "lists and maps nested more than " + std::to_string(kMaxDepth) + " levels deep");
    count(1, mark);
    Frame f;
    f.node = std::move(n);
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.has_key) throw ConfigError(f.key.where(), f.key.text(), "key without a value");
    finish(std::move(f.node), f.values, f.anchor);
  }

  // A node is complete: remember it for aliases and hand it to the list or map around it.
  void finish(Node n, std::size_t values, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {n, values};
    if (stack_.empty()) {
      root_ = std::move(n);
      has_root_ = true;
      return;
    }
    Frame& f = stack_.back();
    f.values += values;
    if (f.node.is_sequence()) {
      f.node.push_back(std::move(n));
      return;
    }
    if (!f.has_key) {
      if (!n.is_scalar()) throw ConfigError(n.where(), "", "a map key must be a plain name");
      f.key = std::move(n);
      f.has_key = true;
      return;
    }
    f.has_key = false;
    const std::string& key = f.key.text();
    if (const auto* prior = f.node.find_entry(key))
      throw ConfigError(f.key.where(), key,
                        "key appears twice in the same map (first at line " + std::to_string(prior->key_where.line) +
                            ")");
    f.node.set(key, f.key.where(), std::move(n));
  }

  std::string file_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<Node, std::size_t>> anchors_;
  std::size_t values_ = 0;
  Node root_;
  bool has_root_ = false;
};

Node parse(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  try {
    YAML::Parser parser(in);
    Builder builder(origin);
    parser.HandleNextDocument(builder);
    Node root = builder.done() ? builder.take_root() : Node();
    if (root.is_null()) root = Node::map({origin, 1, 1});
    Builder rest(origin);
    if (parser.HandleNextDocument(rest))
      throw ConfigError({origin, 0, 0}, "", "holds more than one YAML document (a second '---'); give one");
    return root;
  } catch (const YAML::ParserException& e) {
    throw ConfigError(at(origin, e.mark), "", "YAML syntax: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError(at(origin, e.mark), "", "YAML: " + e.msg);
  }
}

}  // namespace

Node load_yaml_file(const std::string& path) {
  const std::string problem = util::input_file_problem(path, kMaxFileBytes);
  if (!problem.empty()) throw ConfigError({path, 0, 0}, "", problem);
  return parse(util::read_file(path), path);
}

Node load_yaml_text(const std::string& text, const std::string& origin) { return parse(text, origin); }

}  // namespace cimsim::config
