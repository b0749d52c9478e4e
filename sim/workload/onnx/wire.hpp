#pragma once
// The protobuf wire format, read just far enough to keep the bulk of an ONNX model out of the
// protobuf parser: the raw data of the main graph's initializers is left where it lies (in the
// mapped file) and the parser gets the model without it. The parser copies every byte it keeps,
// and for a network like VGG-16 that was a copy of 553 MB of weights before anything was used.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cimsim::workload::onnx_import {

struct SplitModel {
  std::string rest;  // the serialized ModelProto without the raw data taken out
  // raw[k]: the raw_data bytes of the main graph's k-th initializer, when they were taken out
  // (`taken[k]`), in the order the parser lists the initializers.
  std::vector<std::string_view> raw;
  std::vector<bool> taken;
};

// Takes out the raw_data of every initializer of ModelProto.graph that holds at least `min_bytes`
// of it. False when the bytes are not a model this reader can follow field by field (malformed,
// or legal encodings it leaves to the parser, such as groups or a tensor with two raw_data
// fields): the caller then gives the whole model to the parser, which accepts or rejects it.
bool split_initializer_data(std::string_view model, std::size_t min_bytes, SplitModel& out);

}  // namespace cimsim::workload::onnx_import
