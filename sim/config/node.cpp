#include "sim/config/node.hpp"

#include <yaml-cpp/yaml.h>


namespace cimsim::config {

Node Node::scalar(std::string text, Location where) {
  Node n;
  n.kind_ = Kind::Scalar;
  n.text_ = std::move(text);
  n.where_ = std::move(where);
  return n;
}

Node Node::map(Location where) {
  Node n;
  n.kind_ = Kind::Map;
  n.where_ = std::move(where);
  return n;
}

Node Node::sequence(Location where) {
  Node n;
  n.kind_ = Kind::Sequence;
  n.where_ = std::move(where);
  return n;
}

std::string Node::kind_name() const {
  switch (kind_) {
    case Kind::Null: return "nothing";
    case Kind::Scalar: return "a single value";
    case Kind::Sequence: return "a list";
    case Kind::Map: return "a map";
  }
  return "?";
}

const Node::Entry* Node::find_entry(const std::string& key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e;
  return nullptr;
}

const Node* Node::find(const std::string& key) const {
  const Entry* e = find_entry(key);
  return e ? &e->value : nullptr;
}

Node* Node::find(const std::string& key) {
  for (auto& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

void Node::set(const std::string& key, Location key_where, Node value) {
  if (kind_ != Kind::Map) {
    kind_ = Kind::Map;
    items_.clear();
    text_.clear();
  }
  for (auto& e : entries_) {
    if (e.key == key) {
      e.value = std::move(value);
      e.key_where = std::move(key_where);
      return;
    }
  }
  entries_.push_back({key, std::move(key_where), std::move(value)});
}

bool Node::erase(const std::string& key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

namespace {
// A section that names a different preset or model than the one beneath it starts afresh:
// parameters of the old model would not belong to the new one.
bool switches_model(const Node& base, const Node& over) {
  for (const char* key : {"preset", "model"}) {
    const Node* o = over.find(key);
    if (!o) continue;
    const Node* b = base.find(key);
    if (!b || !b->is_scalar() || !o->is_scalar() || b->text() != o->text()) return true;
  }
  return false;
}
}  // namespace

void merge_into(Node& base, const Node& over) {
  if (base.is_map() && over.is_map() && !switches_model(base, over)) {
    for (const auto& e : over.entries()) {
      if (Node* existing = base.find(e.key)) {
        merge_into(*existing, e.value);
        // The key now holds what `over` wrote: errors about it point there, not at the file below.
        for (auto& mine : base.entries())
          if (mine.key == e.key) mine.key_where = e.key_where;
      } else {
        base.set(e.key, e.key_where, e.value);
      }
    }
    return;
  }
  base = over;
}

namespace {

void emit(YAML::Emitter& out, const Node& n) {
  switch (n.kind()) {
    case Node::Kind::Null: out << YAML::Null; break;
    case Node::Kind::Scalar:
      if (n.quoted()) out << YAML::DoubleQuoted << n.text();
      else out << n.text();
      break;
    case Node::Kind::Sequence: {
      bool flat = true;
      for (const auto& item : n.items()) flat = flat && item.is_scalar();
      if (flat) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : n.items()) emit(out, item);
      out << YAML::EndSeq;
      break;
    }
    case Node::Kind::Map:
      out << YAML::BeginMap;
      for (const auto& e : n.entries()) {
        out << YAML::Key << e.key << YAML::Value;
        emit(out, e.value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string to_yaml(const Node& node) {
  YAML::Emitter out;
  emit(out, node);
  return std::string(out.c_str()) + "\n";
}

std::string to_flow_yaml(const Node& node) {
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  out.SetMapFormat(YAML::Flow);
  emit(out, node);
  return out.c_str();
}

}  // namespace cimsim::config
