// The bad-input corpus, data half: .npy files the reader refuses, data sets that do not fit the
// network, and layer lists with sizes, windows and weights that cannot be right. Each case runs
// the real command and asserts status, message (file, place, key) and that nothing was written.

#include <cmath>
#include <limits>

#include "bad_input_support.hpp"
#include "sim/util/npy.hpp"

using namespace cimsim;
using test::expect_refused;
using test::npy_bytes;

namespace {

const std::string kDigits = test::source_dir() + "/traces/digits_mlp/";

// `cimsim check` and `cimsim run` of the digits MLP with `inputs` (and `labels`) replaced.
std::vector<std::string> with_data(const test::TempDir& dir, const std::string& command, const std::string& inputs,
                                   const std::string& labels = kDigits + "test_labels.npy",
                                   const std::vector<std::string>& sets = {}) {
  std::vector<std::string> args = {command, test::source_dir() + "/configs/default.yaml", "--set",
                                   "workload.inputs=" + inputs, "--set", "workload.labels=" + labels};
  for (const auto& s : sets) args.insert(args.end(), {"--set", s});
  if (command == "run") args.insert(args.end(), {"--output", dir.path() + "/out"});
  return args;
}

}  // namespace

TEST_CASE("bad input: .npy headers are parsed without recursion and checked whole", "[bad_input][npy]") {
  test::TempDir dir;
  const std::string sixteen(16 * 4, '\0');
  auto npy = [&](const std::string& name, const std::string& header, const std::string& data) {
    return dir.file(name, npy_bytes(header, data));
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      // A 2 MB descr or shape string (std::regex recursed through it until the stack overflowed).
      {npy("long_descr.npy", "{'descr': '" + std::string(2 << 20, 'f') + "', 'fortran_order': False, 'shape': (4, 4), }", sixteen),
       {"long_descr.npy", "the header is", "not a header NumPy writes"}},
      {npy("long_shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::string(2 << 20, '4') + ",), }", sixteen),
       {"long_shape.npy", "the header is"}},
      {npy("unparsable.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), ] nonsense", sixteen),
       {"unparsable.npy", "cannot parse the header dict"}},
      {npy("extra_key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), 'x': 1}", sixteen),
       {"extra_key.npy", "unknown key 'x'"}},
      {npy("descr.npy", "{'descr': '<f4abc', 'fortran_order': False, 'shape': (4, 4), }", sixteen),
       {"descr.npy", "unsupported dtype '<f4abc'"}},
      {npy("trailing.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", sixteen + "junk"),
       {"trailing.npy", "4 trailing bytes"}},
      {npy("short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 5), }", sixteen),
       {"short.npy", "data shorter"}},
      // 2^62 x 4 float32: a byte count beyond 64 bits.
      {npy("overflow.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", sixteen),
       {"overflow.npy", "more elements than 64 bits count"}},
      {npy("bytes.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952, 1), }", sixteen),
       {"bytes.npy", "more bytes than 64 bits count"}},
      {npy("dimension.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 1), }", sixteen),
       {"dimension.npy", "does not fit in 64 bits"}},
  };
  for (const auto& [file, message] : cases) {
    INFO(file);
    expect_refused(dir.path(), with_data(dir, "check", file), 2, message);
  }
}

TEST_CASE("bad input: NaN and infinity in inputs are refused with the file and index", "[bad_input][npy]") {
  test::TempDir dir;
  std::vector<float> values(360 * 64, 0.5f);
  values[2 * 64 + 5] = std::numeric_limits<float>::quiet_NaN();
  npy::save_f32(dir.path() + "/nan.npy", {360, 64}, values);
  expect_refused(dir.path(), with_data(dir, "run", dir.path() + "/nan.npy"), 2,
                 {"nan.npy: error: the value at index (2, 5) is NaN; inputs must be finite"});
  values[2 * 64 + 5] = 0.5f;
  values[7] = std::numeric_limits<float>::infinity();
  npy::save_f32(dir.path() + "/inf.npy", {360, 64}, values);
  expect_refused(dir.path(), with_data(dir, "run", dir.path() + "/inf.npy"), 2, {"inf.npy", "the value at index (0, 7) is infinite"});
}

TEST_CASE("bad input: labels are checked against the network's outputs and the sample count", "[bad_input]") {
  test::TempDir dir;
  std::vector<std::int64_t> labels(360, 3);
  labels[17] = 10;  // the digits network has 10 outputs: 0..9
  npy::save_i64(dir.path() + "/high.npy", {360}, labels);
  labels[17] = -1;
  npy::save_i64(dir.path() + "/negative.npy", {360}, labels);
  npy::save_i64(dir.path() + "/few.npy", {359}, std::vector<std::int64_t>(359, 1));
  npy::save_f32(dir.path() + "/float.npy", {360}, std::vector<float>(360, 1));
  const std::string inputs = kDigits + "test_inputs.npy";
  for (const char* command : {"check", "run"}) {
    expect_refused(dir.path(), with_data(dir, command, inputs, dir.path() + "/high.npy"), 2,
                   {"high.npy: error: label at index 17 is 10", "10 outputs", "[0, 10)"});
    expect_refused(dir.path(), with_data(dir, command, inputs, dir.path() + "/negative.npy"), 2,
                   {"negative.npy: error: label at index 17 is -1"});
  }
  expect_refused(dir.path(), with_data(dir, "check", inputs, dir.path() + "/few.npy"), 2, {"few.npy", "359 labels for 360"});
  expect_refused(dir.path(), with_data(dir, "check", inputs, dir.path() + "/float.npy"), 2, {"float.npy", "integers"});
  // More samples than the file holds: refused at the key, not cut silently.
  expect_refused(dir.path(), with_data(dir, "check", inputs, kDigits + "test_labels.npy", {"workload.samples=500"}), 2,
                 {"--set workload.samples=500", "'workload.samples'", "asks for 500 samples", "holds 360"});
}

TEST_CASE("bad input: layer lists with impossible sizes, windows and weights name file, line and key",
          "[bad_input][layer_list]") {
  test::TempDir dir;
  npy::save_f32(dir.path() + "/w.npy", {4, 64}, std::vector<float>(4 * 64, 0.1f));
  std::vector<float> nan(4 * 64, 0.1f);
  nan[70] = std::nanf("");
  npy::save_f32(dir.path() + "/nan.npy", {4, 64}, nan);
  npy::save_f32(dir.path() + "/empty.npy", {0, 64}, {});
  npy::save_f32(dir.path() + "/ones.npy", {4}, std::vector<float>(4, 1));
  npy::save_f32(dir.path() + "/zeros.npy", {4}, std::vector<float>(4, 0));
  std::vector<float> var(4, 1);
  var[2] = -0.5f;
  npy::save_f32(dir.path() + "/var.npy", {4}, var);
  const std::string conv_head = "name: t\ninput_shape: [1, 8, 8]\nlayers:\n  - {name: c, type: conv, out_channels: 4, ";
  const std::string dense_head = "name: t\ninput_shape: [64]\nlayers:\n  - {name: d, type: dense, ";
  const std::string bn = "batchnorm: {gamma: ones.npy, beta: zeros.npy, mean: zeros.npy, var: ";
  const std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> cases = {
      {"zero_kernel", conv_head + "kernel: 0, init: {seed: 1}}\n", {":4:52", "'layers[0].kernel'", "out of range"}},
      {"negative_stride", conv_head + "kernel: 3, stride: -2, init: {seed: 1}}\n", {"'layers[0].stride'", "out of range"}},
      // 2^32 + 1 and 2^31: an int cast made them 1 and a negative padding.
      {"kernel_wrap", conv_head + "kernel: 4294967297, init: {seed: 1}}\n", {"'layers[0].kernel'", "4294967297 is out of range"}},
      {"padding_wrap", conv_head + "kernel: 3, padding: 2147483648, init: {seed: 1}}\n", {"'layers[0].padding'"}},
      {"stride_wrap", conv_head + "kernel: 3, stride: [1, 4294967296], init: {seed: 1}}\n", {"'layers[0].stride'"}},
      {"groups_wrap", conv_head + "kernel: 3, groups: 4294967297, init: {seed: 1}}\n", {"'layers[0].groups'"}},
      {"zero_out", dense_head + "out_features: 0, init: {seed: 1}}\n", {":4:42", "'layers[0].out_features'"}},
      {"zero_shape", "name: t\ninput_shape: [0, 8]\nlayers:\n  - {name: g, type: flatten}\n", {":2:15", "'input_shape'", "positive"}},
      {"nan_weights", dense_head + "weights: nan.npy}\n", {"'layers[0].weights'", "nan.npy: the value at index (1, 6) is NaN"}},
      {"empty_weights", dense_head + "weights: empty.npy}\n", {":4:37", "'layers[0].weights'", "holds no values"}},
      {"negative_variance", dense_head + "weights: w.npy, " + bn + "var.npy}}\n",
       {"'layers[0].batchnorm.var'", "variance at index 2 is -0.5", "cannot be negative"}},
      {"bad_eps", dense_head + "weights: w.npy, " + bn + "ones.npy, eps: nan}}\n", {"'layers[0].batchnorm.eps'"}},
      // Keys are checked in every layer before any weights are read: the typo, not the NaN above it.
      {"late_typo", dense_head + "weights: nan.npy}\n  - {name: o, type: dense, out_features: 2, activatoin: relu}\n",
       {":5:45", "'layers[1].activatoin'", "unknown key for a dense layer", "'activation'"}},
  };
  for (const auto& [name, text, message] : cases) {
    INFO(name);
    const std::string net = dir.file(name + ".yaml", text);
    auto expected = message;
    expected.push_back(name + ".yaml");
    expect_refused(dir.path(), {"check", test::source_dir() + "/configs/default.yaml", "--set", "workload.network=" + net,
                                "--set", "workload.inputs=\"\"", "--set", "workload.labels=\"\"", "--set",
                                "workload.calibration_inputs=\"\"", "--set", "workload.synthetic_samples=2"},
                   2, expected);
  }
}
