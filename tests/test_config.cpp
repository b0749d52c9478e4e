// The configuration system (docs/design.md §7): every error names file, line, column and key, and
// suggests the nearest valid key; presets, includes and --set compose as documented.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/config/describe.hpp"
#include "sim/config/loader.hpp"
#include "sim/config/suggest.hpp"
#include "support.hpp"

using namespace cimsim;
using config::ConfigError;

namespace {

// Loads `text` as a config file (after the digits workload) and returns the error it raises.
ConfigError error_of(const test::TempDir& dir, const std::string& text, const std::vector<std::string>& sets = {}) {
  const std::string path = dir.file("c.yaml", test::digits_workload_yaml() + text);
  try {
    config::LoadOptions opt;
    opt.sets = sets;
    config::load_config(path, opt);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("config: defaults fill every declared parameter", "[config]") {
  const auto c = test::config_with("");
  CHECK(c.section("adc").integer("bits") == 8);
  CHECK(c.section("adc").model() == "sar");
  CHECK(c.section("cell").model() == "ideal");
  CHECK(c.section("cell").real("g_max_us") == Approx(25.0));
  CHECK(c.section("mapping").text("encoding") == "differential");
  CHECK_FALSE(c.section("adc").given("bits"));
}

TEST_CASE("config: unknown key names file, line, column and the nearest key", "[config]") {
  test::TempDir dir;
  // The workload takes 5 lines; the typo sits on line 7, column 3.
  const ConfigError e = error_of(dir, "adc:\n  bitz: 6\n");
  CHECK(e.where().line == 7);
  CHECK(e.where().column == 3);
  CHECK(e.key() == "adc.bitz");
  const std::string msg = e.what();
  CHECK_THAT(msg, Catch::Contains("c.yaml:7:3"));
  CHECK_THAT(msg, Catch::Contains("did you mean 'bits'"));
}

TEST_CASE("config: unknown section suggests the nearest section", "[config]") {
  test::TempDir dir;
  const ConfigError e = error_of(dir, "mapings:\n  bits_per_cell: 2\n");
  CHECK(e.where().line == 6);
  CHECK(e.where().column == 1);
  CHECK_THAT(std::string(e.what()), Catch::Contains("did you mean 'mapping'"));
}

TEST_CASE("config: the retired sram section points to the buffer technologies", "[config]") {
  test::TempDir dir;
  const ConfigError e = error_of(dir, "sram:\n  energy_pj_per_bit: 0.08\n");
  CHECK(e.where().line == 6);
  CHECK(e.key() == "sram");
  CHECK_THAT(std::string(e.what()), Catch::Contains("retired"));
  CHECK_THAT(std::string(e.what()), Catch::Contains("model: table"));
}

TEST_CASE("config: a key without its unit suffix is suggested with it", "[config]") {
  test::TempDir dir;
  const ConfigError e = error_of(dir, "cell:\n  g_max: 20\n");
  CHECK_THAT(std::string(e.what()), Catch::Contains("did you mean 'g_max_us'"));
}

TEST_CASE("config: wrong types are errors at the value", "[config]") {
  test::TempDir dir;
  SECTION("text for an integer") {
    const ConfigError e = error_of(dir, "adc:\n  bits: eight\n");
    CHECK(e.key() == "adc.bits");
    CHECK(e.where().line == 7);
    CHECK(e.where().column == 9);
    CHECK_THAT(std::string(e.what()), Catch::Contains("expected an integer"));
  }
  SECTION("a fraction for an integer") {
    CHECK_THAT(std::string(error_of(dir, "adc:\n  bits: 6.5\n").what()), Catch::Contains("expected an integer"));
  }
  SECTION("a quoted number is a string") {
    CHECK_THAT(std::string(error_of(dir, "array:\n  read_time_ns: \"100\"\n").what()),
               Catch::Contains("expected a number"));
  }
  SECTION("a list for a number") {
    CHECK_THAT(std::string(error_of(dir, "array:\n  rows: [1, 2]\n").what()), Catch::Contains("got a list"));
  }
  SECTION("a misspelled choice") {
    const ConfigError e = error_of(dir, "mapping:\n  encoding: diferential\n");
    CHECK_THAT(std::string(e.what()), Catch::Contains("did you mean 'differential'"));
  }
  SECTION("a section that is not a map") {
    CHECK_THAT(std::string(error_of(dir, "adc: 8\n").what()), Catch::Contains("expected a map"));
  }
}

TEST_CASE("config: out-of-range values name the allowed range", "[config]") {
  test::TempDir dir;
  const ConfigError e = error_of(dir, "adc:\n  bits: 40\n");
  CHECK(e.key() == "adc.bits");
  CHECK(e.where().line == 7);
  CHECK_THAT(std::string(e.what()), Catch::Contains("out of range"));
  CHECK_THAT(std::string(e.what()), Catch::Contains("[1, 16]"));
  const ConfigError neg = error_of(dir, "array:\n  read_time_ns: 0\n");
  CHECK_THAT(std::string(neg.what()), Catch::Contains("> 0"));
}

TEST_CASE("config: missing files are errors naming the key", "[config]") {
  test::TempDir dir;
  const std::string path = dir.file("c.yaml", test::digits_workload_yaml("nowhere.npy"));
  ConfigError e({}, "", "");
  try {
    config::load_config(path);
  } catch (const ConfigError& err) {
    e = err;
  }
  CHECK(e.key() == "workload.labels");
  CHECK(e.where().line == 4);
  CHECK(e.where().column == 11);
  CHECK_THAT(std::string(e.what()), Catch::Contains("file not found"));
  CHECK_THROWS_AS(config::load_config(dir.path() + "/absent.yaml"), ConfigError);
}

TEST_CASE("config: duplicate keys and YAML syntax errors carry their line", "[config]") {
  test::TempDir dir;
  const ConfigError dup = error_of(dir, "adc:\n  bits: 6\n  bits: 7\n");
  CHECK(dup.where().line == 8);
  CHECK_THAT(std::string(dup.what()), Catch::Contains("twice"));
  const ConfigError syntax = error_of(dir, "adc: {bits: 6\n");
  CHECK(syntax.where().line >= 6);
  CHECK_THAT(std::string(syntax.what()), Catch::Contains("YAML"));
}

TEST_CASE("config: unknown model lists the registered ones", "[config]") {
  test::TempDir dir;
  const ConfigError e = error_of(dir, "cell:\n  model: gausian\n");
  CHECK(e.key() == "cell.model");
  CHECK_THAT(std::string(e.what()), Catch::Contains("did you mean 'gaussian'"));
  CHECK_THAT(std::string(e.what()), Catch::Contains("ideal"));
}

TEST_CASE("config: a model's own parameters are accepted only with that model", "[config]") {
  CHECK(test::config_with("cell:\n  model: gaussian\n  sigma_us: 0.3\n").section("cell").real("sigma_us") ==
        Approx(0.3));
  test::TempDir dir;
  const ConfigError e = error_of(dir, "cell:\n  model: ideal\n  sigma_us: 0.3\n");
  CHECK(e.key() == "cell.sigma_us");
  CHECK_THAT(std::string(e.what()), Catch::Contains("model 'ideal'"));
}

TEST_CASE("config: --set overrides, and its errors name the argument", "[config]") {
  test::TempDir dir;
  const std::string path = dir.file("c.yaml", test::digits_workload_yaml() + "adc:\n  bits: 6\n");
  config::LoadOptions opt;
  opt.sets = {"adc.bits=5", "mapping.encoding=offset", "adc.table_bits=[4, 8]", "adc.table_energy_pj=[1, 2]",
              "adc.table_area_um2=[3, 4]"};
  const auto c = config::load_config(path, opt);
  CHECK(c.section("adc").integer("bits") == 5);
  CHECK(c.section("mapping").text("encoding") == "offset");
  CHECK(c.section("adc").integers("table_bits").size() == 2);

  const ConfigError bad = error_of(dir, "", {"adc.bitz=5"});
  CHECK_THAT(std::string(bad.what()), Catch::Contains("--set adc.bitz=5"));
  CHECK_THAT(std::string(bad.what()), Catch::Contains("did you mean 'bits'"));
  CHECK_THAT(std::string(error_of(dir, "", {"no_equals_sign"}).what()), Catch::Contains("expected --set"));
}

TEST_CASE("config: include merges fragments under the including file", "[config]") {
  test::TempDir dir;
  dir.file("frag/chip.yaml", "adc:\n  bits: 5\n  columns_per_adc: 4\narray:\n  rows: 64\n");
  const std::string main = dir.file("main.yaml", test::digits_workload_yaml() +
                                                     "include: frag/chip.yaml\nadc:\n  bits: 7\n");
  const auto c = config::load_config(main);
  CHECK(c.section("adc").integer("bits") == 7);             // the including file wins
  CHECK(c.section("adc").integer("columns_per_adc") == 4);  // the fragment fills the rest
  CHECK(c.section("array").integer("rows") == 64);
  // An error inside a fragment points into the fragment.
  dir.file("frag/bad.yaml", "array:\n  rowz: 64\n");
  const std::string bad = dir.file("bad.yaml", test::digits_workload_yaml() + "include: [frag/bad.yaml]\n");
  try {
    config::load_config(bad);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.where().file, Catch::EndsWith("frag/bad.yaml"));
    CHECK(e.where().line == 2);
  }
  // Cycles are refused.
  dir.file("a.yaml", "include: b.yaml\n");
  dir.file("b.yaml", "include: a.yaml\n");
  CHECK_THROWS_WITH(config::load_config(dir.path() + "/a.yaml"), Catch::Contains("includes itself"));
}

TEST_CASE("config: presets load underneath the section's own keys", "[config]") {
  test::TempDir dir;
  dir.file("presets/cells/testcell.yaml", "model: gaussian\ng_max_us: 40\nsigma_us: 1.5\n");
  const std::string path =
      dir.file("c.yaml", test::digits_workload_yaml() + "cell:\n  preset: testcell\n  sigma_us: 0.25\n");
  config::LoadOptions opt;
  opt.preset_roots = {dir.path() + "/presets"};
  const auto c = config::load_config(path, opt);
  CHECK(c.section("cell").model() == "gaussian");
  CHECK(c.section("cell").real("g_max_us") == Approx(40));
  CHECK(c.section("cell").real("sigma_us") == Approx(0.25));
  // An unknown preset lists what exists.
  const std::string bad = dir.file("d.yaml", test::digits_workload_yaml() + "cell:\n  preset: testcel\n");
  CHECK_THROWS_WITH(config::load_config(bad, opt), Catch::Contains("did you mean 'testcell'"));
}

TEST_CASE("config: switching model in an override starts the section afresh", "[config]") {
  test::TempDir dir;
  dir.file("base.yaml", "cell:\n  model: gaussian\n  sigma_us: 2\n");
  const std::string path =
      dir.file("c.yaml", test::digits_workload_yaml() + "include: base.yaml\ncell:\n  model: ideal\n");
  const auto c = config::load_config(path);  // sigma_us must not leak into the ideal model
  CHECK(c.section("cell").model() == "ideal");
}

TEST_CASE("config: --set of another model or preset switches the section to it, with its defaults", "[config]") {
  const std::string base = test::source_dir() + "/configs/default.yaml";  // cell: gaussian, g_max_us 25
  config::LoadOptions opt;
  opt.sets = {"cell.model=rram"};
  const auto rram = config::load_config(base, opt);
  CHECK(rram.section("cell").model() == "rram");
  CHECK(rram.section("cell").real("g_max_us") == Approx(225));  // rram's own default, not gaussian's 25
  // A key set after the switch applies to the new model.
  opt.sets = {"cell.model=rram", "cell.g_max_us=200"};
  CHECK(config::load_config(base, opt).section("cell").real("g_max_us") == Approx(200));
  opt.sets = {"cell.preset=pcm_ibm"};
  CHECK(config::load_config(base, opt).section("cell").model() == "pcm");
  // Naming the model the section already has keeps its keys.
  opt.sets = {"cell.model=gaussian"};
  CHECK(config::load_config(base, opt).section("cell").real("sigma_us") == Approx(0.5));
  // The section's own keys stay: adc.bits survives a switch of the ADC model.
  opt.sets = {"adc.bits=6", "adc.model=flash"};
  const auto flash = config::load_config(base, opt);
  CHECK(flash.section("adc").model() == "flash");
  CHECK(flash.section("adc").integer("bits") == 6);
}

TEST_CASE("config: per-layer overrides are checked", "[config]") {
  const auto c = test::config_with("quantization:\n  layers:\n    fc1: {weight_bits: 4}\n");
  const auto& layers = c.section("quantization").keyed("layers");
  REQUIRE(layers.size() == 1);
  CHECK(layers[0].first == "fc1");
  CHECK(layers[0].second.integer("weight_bits") == 4);
  CHECK_FALSE(layers[0].second.has("activation_bits"));  // only what was given
  CHECK_THROWS_WITH(test::config_with("quantization:\n  layers:\n    fc1: {weight_bitz: 4}\n"),
                    Catch::Contains("did you mean 'weight_bits'"));
}

TEST_CASE("config: the resolved config reproduces the same values", "[config]") {
  const auto c = test::config_with("adc:\n  bits: 6\ncell:\n  model: gaussian\n  sigma_us: 0.7\n");
  const std::string yaml = config::to_yaml(c.resolved());
  test::TempDir dir;
  const auto again = config::load_config(dir.file("r.yaml", yaml));
  CHECK(again.section("adc").integer("bits") == 6);
  CHECK(again.section("cell").real("sigma_us") == Approx(0.7));
  CHECK(config::to_yaml(again.resolved()) == yaml);
}

TEST_CASE("config: required keys are reported as missing", "[config]") {
  try {
    config::load_config_text("adc: {bits: 6}\n", "<t>");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("workload.network"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("required"));
  }
}

TEST_CASE("config: nearest-key suggestion", "[config]") {
  CHECK(config::nearest("bitz", {"bits", "model", "full_scale"}) == "bits");
  CHECK(config::nearest("collumns_per_adc", {"columns_per_adc", "bits"}) == "columns_per_adc");
  CHECK(config::nearest("completely_different", {"bits", "model"}).empty());
}

TEST_CASE("config: describe lists declarations", "[config]") {
  const std::string adc = config::describe_text("adc");
  CHECK_THAT(adc, Catch::Contains("bits"));
  CHECK_THAT(adc, Catch::Contains("[1, 16]"));
  CHECK_THAT(adc, Catch::Contains("model sar"));
  const std::string cell = config::describe_text("cell.gaussian");
  CHECK_THAT(cell, Catch::Contains("sigma_us"));
  CHECK_THROWS_WITH(config::describe_text("adcc"), Catch::Contains("did you mean 'adc'"));
}

TEST_CASE("config: docs/config-reference.md is generated from the declarations", "[config][docs]") {
  std::ifstream in(test::source_dir() + "/docs/config-reference.md");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  // Regenerate with: build/cimsim describe --markdown > docs/config-reference.md
  CHECK(ss.str() == config::describe_markdown());
}
