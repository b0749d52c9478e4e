#pragma once
// Helpers for the sweep tests: sweep files on the shipped default config, and stores read back
// as plain maps so that two stores can be compared cell by cell.

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "sim/sweep/sqlite.hpp"
#include "support.hpp"

namespace cimsim::test {

// A sweep file in `dir` whose base is configs/default.yaml; `body` holds the rest.
inline std::string write_sweep(const TempDir& dir, const std::string& name, const std::string& body) {
  return dir.file(name, "base: " + source_dir() + "/configs/default.yaml\n" + body);
}

// A cell as text with its SQL type, so that 4 (integer) and 4.0 (real) differ.
inline std::string cell_text(const sweep::sql::Cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return "null";
  if (const auto* i = std::get_if<std::int64_t>(&c)) return "int:" + std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) return fmt::format("real:{}", *d);
  return "text:" + std::get<std::string>(c);
}

using Rows = std::map<std::string, std::map<std::string, std::string>>;  // point_id -> column -> cell

// Every row of `table`, keyed by `key`, leaving out the columns in `skip`.
inline Rows read_table(const std::string& store, const std::string& table, const std::string& key,
                       const std::set<std::string>& skip = {}) {
  sweep::sql::Database db(store, sweep::sql::Database::Mode::ReadOnly);
  auto st = db.prepare("SELECT * FROM " + table);
  Rows rows;
  while (st.step()) {
    std::map<std::string, std::string> row;
    std::string id;
    for (int i = 0; i < st.columns(); ++i) {
      if (st.column_name(i) == key) id = st.text(i);
      if (!skip.count(st.column_name(i))) row[st.column_name(i)] = cell_text(st.column(i));
    }
    rows[id] = row;
  }
  return rows;
}

// What a store holds that does not depend on when, where or in how many pieces it was run.
inline Rows deterministic_points(const std::string& store) {
  return read_table(store, "points", "point_id", {"wall_s", "host", "finished_utc"});
}
inline Rows column_table(const std::string& store) { return read_table(store, "columns", "name", {"position"}); }

inline std::int64_t count_where(const std::string& store, const std::string& condition) {
  sweep::sql::Database db(store, sweep::sql::Database::Mode::ReadOnly);
  auto st = db.prepare("SELECT COUNT(*) FROM points WHERE " + condition);
  st.step();
  return st.integer(0);
}

}  // namespace cimsim::test
