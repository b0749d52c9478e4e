#pragma once
// The results of a sweep in one SQLite file, one row per point (schema in docs/sweeps.md):
//   points   point_id, point_index, status (pending | done | failed), seed, one column per varied
//            parameter, error, wall_s, host, finished_utc, overrides, command, report, and one
//            column per report metric, added when first seen;
//   columns  every parameter and metric column: kind, source (config key or report path), unit;
//   meta     which sweep and shard the store belongs to.
// Each point's outcome is written in one transaction, so a store killed at any moment holds every
// finished point whole and nothing of the others.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/sweep/metrics.hpp"
#include "sim/sweep/sqlite.hpp"

namespace cimsim::sweep {

// What makes two stores hold the same sweep: the base config's content and the set of points.
struct StoreIdentity {
  std::string base_hash, points_hash;
  std::int64_t points_total = 0;  // points in the whole sweep, every shard
  std::string shard;              // "" for the whole sweep, "i/N" for one shard
  std::string sweep_file, base_config;  // for people reading the store; not compared
};

// A point as the store first records it, before it runs.
struct PointRow {
  std::string id;
  std::int64_t index = 0, seed = 0;
  std::vector<sql::Cell> parameters;  // one per parameter column
  std::string overrides, command;
};

struct Outcome {
  bool done = false;
  std::vector<Metric> metrics;  // done
  std::string report;           // done: report.json as written
  std::string error;            // failed
  double wall_s = 0;
  std::string host;
};

struct Counts {
  std::int64_t done = 0, failed = 0, pending = 0;
  std::int64_t total() const { return done + failed + pending; }
};

class Store {
 public:
  // Creates the store, or opens an existing one and checks that it holds this sweep and shard
  // (config::InputError when not).
  static std::unique_ptr<Store> for_sweep(const std::string& file, const StoreIdentity& identity,
                                          const std::vector<std::string>& parameter_columns);
  // Opens an existing store (config::InputError when the file is missing or not a store).
  static std::unique_ptr<Store> open(const std::string& file, bool writable);
  // Creates `file` for the sweep `like` belongs to, or opens it when it exists and holds the same
  // sweep; it stands for the whole sweep.
  static std::unique_ptr<Store> merge_target(const std::string& file, Store& like);

  const StoreIdentity& identity() const { return identity_; }
  const std::string& file() const { return db_.file(); }

  // Pending rows for the points not yet in the store, in one transaction.
  void add_points(const std::vector<PointRow>& rows);
  // Ids of the points still to run, in sweep order: pending ones, and failed ones when asked.
  std::vector<std::string> to_run(bool retry_failed);
  // Records a point's outcome and its metrics, in one transaction.
  void finish(const std::string& id, const Outcome& outcome);
  Counts counts();
  // (point_index, error) of the failed points, in sweep order.
  std::vector<std::pair<std::int64_t, std::string>> failures();
  // Brings in every point of another store of the same sweep, in one transaction: a point missing
  // here is copied; one here is replaced only by a more finished one (done > failed > pending).
  void merge_from(const std::string& other_file);
  // config::InputError naming this store unless it holds the same sweep as `other`.
  void check_same_sweep(const Store& other) const;
  // A consistent copy of the store in a new file (SQLite's VACUUM INTO).
  void copy_to(const std::string& file);
  // The points as CSV: bookkeeping, parameters, metrics; ordered by point_index.
  void write_csv(std::ostream& out);

 private:
  explicit Store(const std::string& file, bool writable);
  void create(const StoreIdentity& identity, const std::vector<std::string>& parameter_columns);
  void load();
  // The column a metric is stored in, created (inside the current transaction) when new.
  std::string metric_column(const Metric& m, std::map<std::string, std::string>& created);
  std::vector<std::string> columns_of_kind(const std::string& kind);

  sql::Database db_;
  StoreIdentity identity_;
  std::map<std::string, std::string> metric_columns_;  // report path -> column name
};

}  // namespace cimsim::sweep
