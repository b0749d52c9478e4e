// The bad-input corpus, configuration half: YAML that would expand or nest without end, includes
// of things that are not files, presets outside their folders, command-line mistakes, sweep files
// asking for too much, and check commands that load the network. Every case runs the real command
// and asserts status, message and that nothing was written (bad_input_support.hpp).

#include "bad_input_support.hpp"
#include "sim/config/node.hpp"

using namespace cimsim;
using test::bad_input;
using test::expect_refused;

TEST_CASE("bad input: YAML that would expand or nest without end fails fast at its line", "[bad_input]") {
  test::TempDir dir;
  const std::string out = dir.path() + "/out";
  expect_refused(dir.path(), {"check", bad_input("alias_bomb.yaml")}, 2,
                 {"alias_bomb.yaml:8:", "more than 1000000 values", "alias"});
  expect_refused(dir.path(), {"run", bad_input("alias_bomb.yaml"), "--output", out}, 2, {"alias_bomb.yaml:8:"});
  expect_refused(dir.path(), {"sweep", "check", bad_input("alias_bomb_sweep.yaml")}, 2,
                 {"alias_bomb_sweep.yaml:", "more than 1000000 values"});
  expect_refused(dir.path(), {"check", bad_input("deep_nesting.yaml")}, 2,
                 {"deep_nesting.yaml:2:", "nested more than 200 levels"});
  expect_refused(dir.path(), {"check", bad_input("two_documents.yaml")}, 2,
                 {"two_documents.yaml", "more than one YAML document"});
}

TEST_CASE("bad input: a config or include that is not a regular file says so", "[bad_input]") {
  test::TempDir dir;
  const std::string out = dir.path() + "/out";
  expect_refused(dir.path(), {"check", bad_input("include_dev_zero.yaml")}, 2,
                 {"include_dev_zero.yaml:2:10", "'include'", "/dev/zero is not a regular file"});
  expect_refused(dir.path(), {"check", bad_input("include_folder.yaml")}, 2,
                 {"include_folder.yaml:2:10", "'include'", "/tmp is a folder"});
  expect_refused(dir.path(), {"run", "/tmp", "--output", out}, 2, {"/tmp: error: is a folder, not a file"});
  const auto empty = expect_refused(dir.path(), {"run", bad_input("empty.yaml"), "--output", out}, 2,
                                    {"empty.yaml: error: the config is empty"});
  CHECK(empty.err.find("<default>") == std::string::npos);
  expect_refused(dir.path(), {"check", dir.path() + "/missing.yaml"}, 2, {"missing.yaml", "config file not found"});
}

TEST_CASE("bad input: presets resolve only inside the preset folders", "[bad_input]") {
  test::TempDir dir;
  expect_refused(dir.path(), {"check", bad_input("preset_traversal.yaml")}, 2,
                 {"preset_traversal.yaml:4:11", "'cell.preset'", "is not a preset name"});
  expect_refused(dir.path(), {"check", bad_input("preset_absolute.yaml")}, 2,
                 {"preset_absolute.yaml:3:16", "'cell.preset'", "'/etc/hostname' is not a preset name"});
  expect_refused(dir.path(), {"check", test::source_dir() + "/configs/default.yaml", "--set", "adc.preset=../cells/pcm_ibm"},
                 2, {"--set adc.preset=../cells/pcm_ibm", "not a preset name"});
}

TEST_CASE("bad input: an override is reported where the user wrote it", "[bad_input]") {
  test::TempDir dir;
  // The preset file sets g_max_us too; the error is the user's line, not the preset's.
  expect_refused(dir.path(), {"check", bad_input("override_out_of_range.yaml")}, 2,
                 {"override_out_of_range.yaml:5:13", "'cell.g_max_us'", "out of range"});
  const std::string empty = dir.file("empty_value.yaml", "include: " + test::source_dir() +
                                                             "/configs/default.yaml\ncell:\n  preset: pcm_ibm\n  g_max_us:\n");
  expect_refused(dir.path(), {"check", empty}, 2, {"empty_value.yaml:4:3", "'cell.g_max_us'", "has no value"});
  // A key left at its default that another key makes necessary is reported at the user's section,
  // not at "<default>", which names no file.
  const std::string no_inputs =
      dir.file("no_inputs.yaml", "workload:\n  network: " + test::source_dir() + "/traces/digits_mlp/network.yaml\n");
  const auto refused =
      expect_refused(dir.path(), {"check", no_inputs}, 2, {"no_inputs.yaml:2:3", "'workload.inputs'", "is required unless"});
  CHECK(refused.err.find("<default>") == std::string::npos);
}

TEST_CASE("bad input: an unknown log level is a usage error listing the levels", "[bad_input]") {
  test::TempDir dir;
  expect_refused(dir.path(), {"check", test::source_dir() + "/configs/default.yaml", "--log-level", "loud"}, 2,
                 {"'loud' is not a log level", "trace, debug, info, warn, error, off"});
}

TEST_CASE("bad input: check, sweep check and run load the network before anything runs", "[bad_input]") {
  test::TempDir dir;
  const std::vector<std::string> where = {"network_broken.yaml:6:", "'layers[1].kernel'", "out of range"};
  expect_refused(dir.path(), {"check", bad_input("network_unloadable.yaml")}, 2, where);
  expect_refused(dir.path(), {"run", bad_input("network_unloadable.yaml"), "--output", dir.path() + "/out"}, 2, where);
  auto sweep = where;
  sweep.push_back("in sweep point 0");
  expect_refused(dir.path(), {"sweep", "check", bad_input("sweep_network_unloadable.yaml")}, 2, sweep);
  expect_refused(dir.path(),
                 {"sweep", "run", bad_input("sweep_network_unloadable.yaml"), "--store", dir.path() + "/s.db"}, 2, sweep);
}

TEST_CASE("bad input: sweeps asking for more points than a sweep may have are refused at the key", "[bad_input]") {
  test::TempDir dir;
  expect_refused(dir.path(), {"sweep", "check", bad_input("random_points.yaml")}, 2,
                 {"random_points.yaml:7:11", "'random.points'", "more than the 1000000"});
  expect_refused(dir.path(), {"sweep", "check", bad_input("repeat_seeds.yaml")}, 2,
                 {"repeat_seeds.yaml:6:10", "'repeat.seeds'", "more than the 1000000"});
  const std::string grid = dir.file("grid.yaml", "base: " + test::source_dir() +
                                                     "/configs/default.yaml\nparameters:\n"
                                                     "  run.seed: {integers: [1, 2]}\n");
  expect_refused(dir.path(), {"sweep", "check", grid}, 2, {"grid.yaml:3:13", "'run.seed'", "expected a list of values"});
  // A bound of 2^63 - 1 cannot come back exactly from a drawn double.
  const std::string wide = dir.file("wide.yaml", "base: " + test::source_dir() +
                                                     "/configs/default.yaml\nmode: random\nrandom: {points: 2}\n"
                                                     "parameters:\n  run.seed: {integers: [0, 9223372036854775807]}\n");
  expect_refused(dir.path(), {"sweep", "check", wide}, 2, {"wide.yaml:5:", "'run.seed.integers'", "within +-2^53"});
}

TEST_CASE("bad input: sizes that overflow or cannot fit in memory are refused before allocating", "[bad_input]") {
  test::TempDir dir;
  const std::string shapes = test::source_dir() + "/traces";
  // 10^9 inputs times 10^9 outputs: weights of 8 * 10^18 bytes, on no machine.
  dir.file("huge.yaml", "name: huge\ninput_shape: [1000000000]\nlayers:\n"
                        "  - {name: fc, type: dense, out_features: 1000000000, init: {seed: 1}}\n");
  // 10^9 output channels of 3 x 64 x 64 inputs each: 98 TB.
  dir.file("wide.yaml", "name: wide\ninput_shape: [3, 64, 64]\nlayers:\n"
                        "  - {name: c, type: conv, out_channels: 1000000000, kernel: 64, init: {seed: 1}}\n");
  dir.file("cube.yaml", "name: cube\ninput_shape: [1000000000, 1000000000, 1000000000]\nlayers:\n"
                        "  - {name: g, type: global_avgpool}\n");
  const std::vector<std::string> synthetic = {"--set", "workload.inputs=\"\"", "--set", "workload.labels=\"\"",
                                              "--set", "workload.calibration_inputs=\"\"", "--set",
                                              "workload.synthetic_samples=4"};
  auto run = [&](const std::string& network, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", test::source_dir() + "/configs/default.yaml", "--output",
                                     dir.path() + "/out", "--set", "workload.network=" + network};
    args.insert(args.end(), synthetic.begin(), synthetic.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expect_refused(dir.path(), run(dir.path() + "/huge.yaml", {}), 2,
                 {"huge.yaml:4:43", "'layers[0].out_features'", "more than the", "of memory"});
  expect_refused(dir.path(), run(dir.path() + "/wide.yaml", {}), 2, {"wide.yaml:4:41", "'layers[0].out_channels'", "of memory"});
  expect_refused(dir.path(), run(dir.path() + "/cube.yaml", {}), 2,
                 {"cube.yaml:2:14", "'input_shape'", "more elements than 64 bits count"});
  // 2^20 synthetic samples of ImageNet images: 630 GB of inputs.
  expect_refused(dir.path(), run(shapes + "/resnet18_imagenet/network.yaml",
                                 {"--set", "workload.synthetic_samples=1048576", "--set", "run.batch_size=1048576"}),
                 2, {"'workload.synthetic_samples'", "of memory"});
}

TEST_CASE("bad input: array sizes multiply in 64 bits (46341 x 46341 cells)", "[bad_input]") {
  test::TempDir dir;
  const auto r = test::run_cimsim({"run", test::source_dir() + "/configs/default.yaml", "--output", dir.path() + "/out",
                                   "--set", "array.rows=46341", "--set", "array.cols=46341", "--quiet"});
  REQUIRE(r.status == 0);
  // JSON is YAML: the area section read back. A wrapped int gave a tile of -47.75 mm^2 and no total.
  const config::Node report = config::load_yaml_text(util::read_file(dir.path() + "/out/report.json"), "report.json");
  const config::Node& area = *report.find("area");
  for (const char* part : {"tile", "total"}) {
    INFO(part);
    const config::Node& value = *area.find(part)->find("value");
    REQUIRE(value.is_scalar());
    CHECK(std::stod(value.text()) > 0);
  }
}
