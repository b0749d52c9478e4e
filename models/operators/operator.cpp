#include "models/operators/operator.hpp"

namespace cimsim::models {

std::int64_t element_count(const Dims& d) {
  std::int64_t n = 1;
  for (auto v : d) n *= v;
  return n;
}

std::string dims_text(const Dims& d) {
  std::string out = "[";
  for (std::size_t i = 0; i < d.size(); ++i) out += (i ? ", " : "") + std::to_string(d[i]);
  return out + "]";
}

DigitalOps& DigitalOps::operator+=(const DigitalOps& o) {
  adds += o.adds;
  mults += o.mults;
  compares += o.compares;
  return *this;
}

DigitalOps DigitalOps::operator+(const DigitalOps& o) const {
  DigitalOps r = *this;
  r += o;
  return r;
}

DigitalOps DigitalOps::operator*(std::int64_t n) const { return {adds * n, mults * n, compares * n}; }

namespace {

const Attribute* find(const OperatorArgs& a, const std::string& name, Attribute::Kind kind) {
  auto it = a.attributes.find(name);
  if (it == a.attributes.end()) return nullptr;
  if (it->second.kind != kind) a.fail(name, "has the wrong attribute type");
  return &it->second;
}

}  // namespace

std::int64_t OperatorArgs::integer(const std::string& name, std::int64_t fallback) const {
  const Attribute* a = find(*this, name, Attribute::Kind::Int);
  return a ? saturated_int(a->i) : fallback;
}

double OperatorArgs::real(const std::string& name, double fallback) const {
  const Attribute* a = find(*this, name, Attribute::Kind::Float);
  return a ? a->f : fallback;
}

std::string OperatorArgs::text(const std::string& name, const std::string& fallback) const {
  const Attribute* a = find(*this, name, Attribute::Kind::String);
  return a ? a->s : fallback;
}

std::vector<std::int64_t> OperatorArgs::integers(const std::string& name) const {
  const Attribute* a = find(*this, name, Attribute::Kind::Ints);
  std::vector<std::int64_t> v;
  if (a)
    for (std::int64_t x : a->ints) v.push_back(saturated_int(x));
  return v;
}

std::vector<double> OperatorArgs::reals(const std::string& name) const {
  const Attribute* a = find(*this, name, Attribute::Kind::Floats);
  return a ? a->floats : std::vector<double>{};
}

const OperatorInput& OperatorArgs::activation(std::size_t k, const std::string& what) const {
  if (k >= inputs.size() || inputs[k].kind != OperatorInput::Kind::Activation)
    fail("", "input " + std::to_string(k) + " (" + what + ") must be computed by the network, not a constant");
  return inputs[k];
}

const OperatorInput& OperatorArgs::constant(std::size_t k, const std::string& what) const {
  if (k >= inputs.size() || inputs[k].kind != OperatorInput::Kind::Constant)
    fail("", "input " + std::to_string(k) + " (" + what + ") must be a constant known when the network loads");
  return inputs[k];
}

std::vector<std::int64_t> OperatorArgs::constant_integers(std::size_t k, const std::string& what) const {
  std::vector<std::int64_t> v;
  for (double x : constant(k, what).values) v.push_back(saturated_int(x));
  return v;
}

std::vector<std::size_t> OperatorArgs::activation_positions() const {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k].kind == OperatorInput::Kind::Activation) out.push_back(k);
  return out;
}

std::int64_t OperatorArgs::axis(std::int64_t value, std::int64_t rank, const std::string& attribute) const {
  if (value < -rank || value >= rank)
    fail(attribute, "axis " + std::to_string(value) + " is outside [" + std::to_string(-rank) + ", " +
                        std::to_string(rank) + ") for a rank-" + std::to_string(rank) + " tensor");
  return value < 0 ? value + rank : value;
}

void OperatorArgs::fail(const std::string& attribute, const std::string& what) const {
  throw OperatorError(attribute, what);
}

std::vector<OperatorBatch> Operator::backward(const std::vector<const OperatorBatch*>&, const OperatorBatch&,
                                              const OperatorBatch&) const {
  throw std::logic_error("backward() called on an operator that is not differentiable");
}

OperatorRegistry& OperatorRegistry::instance() {
  static OperatorRegistry r;
  return r;
}

void OperatorRegistry::add(OperatorEntry e) {
  if (e.origin.empty()) e.origin = "built-in";
  auto it = entries_.find(e.type);
  if (it != entries_.end())
    throw std::invalid_argument("operator '" + e.type + "' is already registered (by " + it->second.origin + ")");
  entries_.emplace(e.type, std::move(e));
}

const OperatorEntry* OperatorRegistry::find(const std::string& type) const {
  auto it = entries_.find(type);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> OperatorRegistry::types() const {
  std::vector<std::string> out;
  for (const auto& kv : entries_) out.push_back(kv.first);
  return out;
}

bool register_operator(OperatorEntry e) {
  OperatorRegistry::instance().add(std::move(e));
  return true;
}

}  // namespace cimsim::models
