#include "onnx_builder.hpp"

#include <fstream>

namespace cimsim::test {

OnnxBuilder::OnnxBuilder(int opset) {
  model_.set_ir_version(8);
  model_.add_opset_import()->set_version(opset);
  model_.mutable_graph()->set_name("built");
}

OnnxBuilder& OnnxBuilder::input(const std::string& name, const std::vector<std::int64_t>& sample_dims) {
  auto* in = model_.mutable_graph()->add_input();
  in->set_name(name);
  auto* t = in->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  t->mutable_shape()->add_dim()->set_dim_param("batch");
  for (auto d : sample_dims) t->mutable_shape()->add_dim()->set_dim_value(d);
  return *this;
}

OnnxBuilder& OnnxBuilder::output(const std::string& name) {
  model_.mutable_graph()->add_output()->set_name(name);
  return *this;
}

OnnxBuilder& OnnxBuilder::init(const std::string& name, const std::vector<std::int64_t>& dims,
                               const std::vector<float>& values) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
  return *this;
}

OnnxBuilder& OnnxBuilder::init_ints(const std::string& name, const std::vector<std::int64_t>& dims,
                                    const std::vector<std::int64_t>& values, int dtype) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(dtype);
  for (auto d : dims) t->add_dims(d);
  for (auto v : values) {
    if (dtype == onnx::TensorProto::INT64) t->add_int64_data(v);
    else t->add_int32_data(static_cast<std::int32_t>(v));
  }
  return *this;
}

onnx::NodeProto& OnnxBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                                   const std::vector<std::string>& outputs, const std::string& name) {
  auto* n = model_.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name.empty() ? op + "_" + std::to_string(model_.graph().node_size()) : name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return *n;
}

void OnnxBuilder::attr(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void OnnxBuilder::attr(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}

void OnnxBuilder::attr(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

OnnxBuilder& OnnxBuilder::floats_as_raw_data() {
  for (auto& t : *model_.mutable_graph()->mutable_initializer())
    if (t.data_type() == onnx::TensorProto::FLOAT) {
      t.set_raw_data(std::string(reinterpret_cast<const char*>(t.float_data().data()),
                                 static_cast<std::size_t>(t.float_data_size()) * sizeof(float)));
      t.clear_float_data();
    }
  return *this;
}

std::string OnnxBuilder::save(const std::string& dir, const std::string& file) const {
  const std::string path = dir + "/" + file;
  std::ofstream out(path, std::ios::binary);
  model_.SerializeToOstream(&out);
  return path;
}

std::vector<float> ramp(std::size_t n, float scale) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>(static_cast<int>(i % 7) - 3) / 7.0f;
  return v;
}

}  // namespace cimsim::test
