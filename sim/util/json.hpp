#pragma once
// A small JSON document model for reports: ordered objects, shortest round-trip numbers, so the
// same results give the same bytes.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cimsim::json {

class Value {
 public:
  using Object = std::vector<std::pair<std::string, Value>>;
  using Array = std::vector<Value>;

  Value() = default;                 // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int x) : v_(static_cast<std::int64_t>(x)) {}
  Value(long x) : v_(static_cast<std::int64_t>(x)) {}
  Value(long long x) : v_(static_cast<std::int64_t>(x)) {}
  Value(unsigned x) : v_(static_cast<std::int64_t>(x)) {}
  Value(unsigned long x) : v_(static_cast<std::int64_t>(x)) {}
  Value(unsigned long long x) : v_(static_cast<std::int64_t>(x)) {}
  Value(double x) : v_(x) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Object o) : v_(std::move(o)) {}

  static Value object() { return Value(Object{}); }
  static Value array() { return Value(Array{}); }

  // Objects: appends (or replaces) a member and returns it.
  Value& set(const std::string& key, Value v);
  // Returns the member, creating an empty object for it when missing.
  Value& operator[](const std::string& key);
  const Value* find(const std::string& key) const;
  // Arrays.
  void push(Value v);

  bool is_object() const { return std::holds_alternative<Object>(v_); }
  bool is_array() const { return std::holds_alternative<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  double as_number() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }

  std::string dump(int indent = 2) const;

 private:
  void dump_to(std::string& out, int indent, int depth) const;
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> v_;
};

// A quantity: {"value": x, "unit": "pJ"}. Every number in a report carries its unit this way.
Value quantity(double value, const std::string& unit);

std::string escape(const std::string& s);

}  // namespace cimsim::json
