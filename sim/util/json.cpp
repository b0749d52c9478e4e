#include "sim/util/json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace cimsim::json {

Value& Value::set(const std::string& key, Value v) {
  if (!is_object()) v_ = Object{};
  auto& o = std::get<Object>(v_);
  for (auto& kv : o) {
    if (kv.first == key) {
      kv.second = std::move(v);
      return kv.second;
    }
  }
  o.emplace_back(key, std::move(v));
  return o.back().second;
}

Value& Value::operator[](const std::string& key) {
  if (!is_object()) v_ = Object{};
  auto& o = std::get<Object>(v_);
  for (auto& kv : o)
    if (kv.first == key) return kv.second;
  o.emplace_back(key, Value::object());
  return o.back().second;
}

const Value* Value::find(const std::string& key) const {
  if (!is_object()) return nullptr;
  for (const auto& kv : std::get<Object>(v_))
    if (kv.first == key) return &kv.second;
  return nullptr;
}

void Value::push(Value v) {
  if (!is_array()) v_ = Array{};
  std::get<Array>(v_).push_back(std::move(v));
}

double Value::as_number() const {
  if (const auto* d = std::get_if<double>(&v_)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  throw std::logic_error("JSON value is not a number");
}

std::string escape(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void Value::dump_to(std::string& out, int indent, int depth) const {
  const auto newline = [&](int d) {
    if (indent > 0) {
      out += '\n';
      out.append(static_cast<std::size_t>(indent * d), ' ');
    }
  };
  if (std::holds_alternative<std::monostate>(v_)) {
    out += "null";
  } else if (const auto* b = std::get_if<bool>(&v_)) {
    out += *b ? "true" : "false";
  } else if (const auto* i = std::get_if<std::int64_t>(&v_)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&v_)) {
    if (!std::isfinite(*d)) out += "null";  // JSON has no inf/nan
    else out += fmt::format("{}", *d);
  } else if (const auto* s = std::get_if<std::string>(&v_)) {
    out += escape(*s);
  } else if (const auto* a = std::get_if<Array>(&v_)) {
    bool flat = true;
    for (const auto& x : *a) flat = flat && !x.is_array() && !x.is_object();
    out += '[';
    for (std::size_t k = 0; k < a->size(); ++k) {
      if (k) out += flat ? ", " : ",";
      if (!flat) newline(depth + 1);
      (*a)[k].dump_to(out, indent, depth + 1);
    }
    if (!flat && !a->empty()) newline(depth);
    out += ']';
  } else {
    const auto& o = std::get<Object>(v_);
    out += '{';
    for (std::size_t k = 0; k < o.size(); ++k) {
      if (k) out += ',';
      newline(depth + 1);
      out += escape(o[k].first) + (indent > 0 ? ": " : ":");
      o[k].second.dump_to(out, indent, depth + 1);
    }
    if (!o.empty()) newline(depth);
    out += '}';
  }
}

std::string Value::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out + "\n";
}

Value quantity(double value, const std::string& unit) {
  Value q = Value::object();
  q.set("value", value);
  q.set("unit", unit);
  return q;
}

}  // namespace cimsim::json
