// Running sweeps: every point's stored metrics equal those of running that point alone; a point
// that fails keeps its error and the others still run; the CSV export carries the store's rows.

#include <catch2/catch.hpp>

#include <sstream>

#include "sim/sweep/metrics.hpp"
#include "sim/util/read_file.hpp"
#include "sweep_support.hpp"

using namespace cimsim;

TEST_CASE("sweep run: each point's metrics equal running it alone", "[sweep]") {
  test::TempDir dir;
  // Noisy cells and reads, several chip instances and batches, ADC bits and the bits per cell
  // (1-bit cells need 3 tiles); the points run alone use 2 threads, the sweep 1. The points differ
  // in energy, area and mapping. mapping.bits_per_cell is also a report metric, so its metric
  // column is renamed.
  const std::string sweep = test::write_sweep(
      dir, "s.yaml",
      "mode: zip\nparameters:\n  adc.bits: [4, 6, 8]\n  cell.sigma_us: [0.2, 0.8, 1.5]\n"
      "  mapping.bits_per_cell: [1, 2, 2]\nset:\n  workload.samples: 24\n  workload.calibration_samples: 32\n"
      "  run.batch_size: 8\n  cell.read_noise_relative: 0.02\n  chip.tiles: 4\n"
      "repeat: {chip_instances: 2}\n");
  const std::string store = dir.path() + "/s.db";
  const auto r = test::run_cimsim({"sweep", "run", sweep, "--store", store, "--jobs", "2", "--quiet"});
  REQUIRE(r.status == 0);
  REQUIRE(test::count_where(store, "status = 'done'") == 3);

  sweep::sql::Database db(store, sweep::sql::Database::Mode::ReadOnly);
  auto st = db.prepare("SELECT point_id, command, report FROM points ORDER BY point_index");
  int compared = 0;
  std::set<std::string> energies;
  while (st.step()) {
    // The stored command, run by hand (with another thread count), is the point alone.
    const std::string command = st.text(1);
    const std::string prefix = "cd " + dir.path() + " && cimsim ";
    REQUIRE(command.rfind(prefix, 0) == 0);
    std::vector<std::string> args;
    std::istringstream words(command.substr(prefix.size()));
    for (std::string w; words >> w;) args.push_back(w);
    const std::string out = dir.path() + "/alone-" + st.text(0);
    args.insert(args.end(), {"--output", out, "--threads", "2", "--quiet"});
    REQUIRE(test::run_cimsim(args).status == 0);
    const std::string alone = util::read_file(out + "/report.json");
    CHECK(alone == st.text(2));

    // Every metric of the report is a column holding the same value.
    const auto metrics = sweep::report_metrics(alone, out);
    REQUIRE(metrics.size() > 40);
    for (const auto& m : metrics) {
      const std::string column = m.name == "mapping.bits_per_cell" ? "report.mapping.bits_per_cell" : m.name;
      auto cell = db.prepare("SELECT " + sweep::sql::quote(column) + " FROM points WHERE point_id = ?");
      cell.bind(1, st.text(0));
      REQUIRE(cell.step());
      INFO(m.name);
      CHECK(test::cell_text(cell.column(0)) == test::cell_text(m.value));
      ++compared;
    }
    for (const auto& m : metrics)
      if (m.name == "energy.per_inference") energies.insert(test::cell_text(m.value));
  }
  CHECK(compared > 120);
  CHECK(energies.size() == 3);
  // The parameter and the renamed metric column both hold the bits per cell.
  CHECK(test::count_where(store, "\"mapping.bits_per_cell\" = \"report.mapping.bits_per_cell\"") == 3);
  // Units ride in the columns table.
  auto unit = db.prepare("SELECT unit FROM columns WHERE name = 'energy.per_inference'");
  REQUIRE(unit.step());
  CHECK(unit.text(0) == "pJ");
}

TEST_CASE("sweep run: a failing point keeps its error and the sweep goes on", "[sweep]") {
  test::TempDir dir;
  // 1-bit ADCs pass the declarations ([1, 16]) but a differential readout needs 2 bits: the
  // point fails when it runs.
  const std::string sweep = test::write_sweep(dir, "f.yaml", "parameters:\n  adc.bits: [1, 5]\nset: {workload.samples: 30}\n");
  const std::string store = dir.path() + "/f.db";
  const auto r = test::run_cimsim({"sweep", "run", sweep, "--store", store});
  CHECK(r.status == 1);
  CHECK_THAT(r.out, Catch::Contains("1 done, 1 failed"));
  CHECK_THAT(r.out, Catch::Contains("needs at least 2 bits"));
  CHECK_THAT(r.err, Catch::Contains("FAILED"));
  CHECK(test::count_where(store, "status = 'failed' AND \"adc.bits\" = 1 AND error LIKE '%needs at least 2 bits%'") == 1);
  CHECK(test::count_where(store, "status = 'done' AND \"adc.bits\" = 5 AND \"accuracy.chip\" > 0.5") == 1);
  CHECK(test::count_where(store, "status = 'failed' AND \"accuracy.chip\" IS NULL AND report IS NULL") == 1);

  // A restart leaves the failed point alone unless asked; then it fails again, once.
  const auto again = test::run_cimsim({"sweep", "run", sweep, "--store", store, "--quiet"});
  CHECK(again.status == 1);
  CHECK(again.err.empty());
  const auto retry = test::run_cimsim({"sweep", "run", sweep, "--store", store, "--retry-failed"});
  CHECK(retry.status == 1);
  CHECK_THAT(retry.err, Catch::Contains("point 0 (adc.bits=1) FAILED"));
  CHECK_THAT(retry.err, !Catch::Contains("adc.bits=5"));
  CHECK(test::count_where(store, "1") == 2);

  const auto status = test::run_cimsim({"sweep", "status", store});
  CHECK(status.status == 0);
  CHECK_THAT(status.out, Catch::Contains("1 done, 1 failed, 0 pending"));
  CHECK_THAT(status.out, Catch::Contains("needs at least 2 bits"));
}

TEST_CASE("sweep export: CSV with a header and one row per point", "[sweep]") {
  test::TempDir dir;
  const std::string sweep = test::write_sweep(
      dir, "e.yaml", "parameters:\n  adc.bits: [1, 4, 6]\n  adc.full_scale: [max]\nset: {workload.samples: 30}\n");
  // Run from another folder than the sweep file's, into a store given relative to it (the points
  // run in the sweep file's folder, so nothing may depend on the working directory).
  const std::string store = dir.path() + "/elsewhere/e.db";
  const auto run = test::run_program({"/bin/sh", "-c", "mkdir -p '" + dir.path() + "/elsewhere' && cd '" + dir.path() +
                                                            "/elsewhere' && '" + test::binary() + "' sweep run '" +
                                                            sweep + "' --store e.db --quiet"});
  INFO(run.out << run.err);
  REQUIRE(run.status == 1);
  CHECK(test::count_where(store, "status = 'done'") == 2);
  const auto r = test::run_cimsim({"sweep", "export", store});
  REQUIRE(r.status == 0);
  std::istringstream lines(r.out);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  // The failed point's error spans lines inside one quoted field, so count records by point ids.
  const std::string& header = rows.front();
  CHECK(header.rfind("point_id,point_index,status,seed,adc.bits,adc.full_scale,", 0) == 0);
  CHECK_THAT(header, Catch::Contains(",accuracy.chip,"));
  CHECK_THAT(header, Catch::Contains(",energy.per_inference,"));
  CHECK_THAT(header, Catch::EndsWith(",error,wall_s,host,finished_utc"));
  CHECK_THAT(header, !Catch::Contains("report"));
  sweep::sql::Database db(store, sweep::sql::Database::Mode::ReadOnly);
  auto st = db.prepare("SELECT point_id, point_index, \"energy.per_inference\" FROM points "
                       "WHERE status = 'done' ORDER BY point_index");
  int found = 0;
  while (st.step()) {
    const std::string start = st.text(0) + "," + std::to_string(st.integer(1)) + ",done,1,";
    const auto line = std::find_if(rows.begin(), rows.end(), [&](const std::string& l) { return l.rfind(start, 0) == 0; });
    REQUIRE(line != rows.end());
    CHECK_THAT(*line, Catch::Contains("," + fmt::format("{}", std::get<double>(st.column(2))) + ","));
    ++found;
  }
  CHECK(found == 2);
  // The failed point's error is one quoted field.
  CHECK_THAT(r.out, Catch::Contains(",failed,1,1,max,"));
  CHECK_THAT(r.out, Catch::Contains("\"<command line: --set adc.bits=1>"));

  const std::string csv = dir.path() + "/e.csv";
  REQUIRE(test::run_cimsim({"sweep", "export", store, "--output", csv}).status == 0);
  CHECK(util::read_file(csv) == r.out);
}
