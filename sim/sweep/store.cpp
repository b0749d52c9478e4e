#include "sim/sweep/store.hpp"

#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <ostream>
#include <set>

#include "sim/config/error.hpp"
#include "sim/util/atomic_file.hpp"

namespace fs = std::filesystem;

namespace cimsim::sweep {

using sql::quote;

namespace {

constexpr const char* kFormat = "cimsim-sweep-store 1";

// Columns every store has, in table order around the parameter and metric columns.
const std::vector<std::string> kLeading = {"point_id", "point_index", "status", "seed"};
const std::vector<std::string> kTrailing = {"error", "wall_s", "host", "finished_utc", "overrides", "command", "report"};
// What CSV leaves out: the reproduction details and the whole report.
const std::set<std::string> kNotInCsv = {"overrides", "command", "report"};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string csv_field(const sql::Cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return "";
  if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) return fmt::format("{}", *d);
  const auto& s = std::get<std::string>(c);
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string join_quoted(const std::vector<std::string>& names, const std::string& prefix = "") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + prefix + quote(n);
  return out;
}

// How finished a status is, as SQL: done > failed > pending.
std::string status_rank(const std::string& column) {
  return "CASE " + column + " WHEN 'done' THEN 2 WHEN 'failed' THEN 1 ELSE 0 END";
}

}  // namespace

Store::Store(const std::string& file, bool writable)
    : db_(file, writable ? sql::Database::Mode::ReadWriteCreate : sql::Database::Mode::ReadOnly) {}

void Store::create(const StoreIdentity& id, const std::vector<std::string>& parameter_columns) {
  sql::Transaction t(db_);
  db_.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db_.exec("CREATE TABLE columns (name TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('parameter', 'metric')), "
           "source TEXT NOT NULL, unit TEXT NOT NULL, position INTEGER NOT NULL)");
  std::string table =
      "CREATE TABLE points (point_id TEXT PRIMARY KEY, point_index INTEGER NOT NULL, "
      "status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')), seed INTEGER NOT NULL";
  for (const auto& p : parameter_columns) table += ", " + quote(p);
  table += ", error TEXT, wall_s REAL, host TEXT, finished_utc TEXT, overrides TEXT NOT NULL, command TEXT NOT NULL, "
           "report TEXT)";
  db_.exec(table);
  auto meta = db_.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"format", kFormat},           {"base_hash", id.base_hash},
      {"points_hash", id.points_hash}, {"points_total", std::to_string(id.points_total)},
      {"shard", id.shard},           {"sweep_file", id.sweep_file},
      {"base_config", id.base_config}, {"cimsim_version", CIMSIM_VERSION},
      {"created_utc", utc_now()}};
  for (const auto& [k, v] : entries) {
    meta.bind(1, k).bind(2, v);
    meta.step();
    meta.reset();
  }
  auto col = db_.prepare("INSERT INTO columns (name, kind, source, unit, position) VALUES (?, 'parameter', ?, '', ?)");
  for (std::size_t i = 0; i < parameter_columns.size(); ++i) {
    col.bind(1, parameter_columns[i]).bind(2, parameter_columns[i]).bind(3, static_cast<std::int64_t>(i));
    col.step();
    col.reset();
  }
  t.commit();
}

void Store::load() {
  if (!db_.has_table("meta") || !db_.has_table("points") || !db_.has_table("columns"))
    throw config::InputError(db_.file() + ": error: not a cimsim sweep store");
  std::map<std::string, std::string> meta;
  auto st = db_.prepare("SELECT key, value FROM meta");
  while (st.step()) meta[st.text(0)] = st.text(1);
  if (meta["format"] != kFormat)
    throw config::InputError(db_.file() + ": error: not a cimsim sweep store of this version (format '" +
                             meta["format"] + "', expected '" + kFormat + "')");
  identity_.base_hash = meta["base_hash"];
  identity_.points_hash = meta["points_hash"];
  identity_.points_total = std::stoll(meta["points_total"]);
  identity_.shard = meta["shard"];
  identity_.sweep_file = meta["sweep_file"];
  identity_.base_config = meta["base_config"];
  metric_columns_.clear();
  auto cols = db_.prepare("SELECT source, name FROM columns WHERE kind = 'metric'");
  while (cols.step()) metric_columns_[cols.text(0)] = cols.text(1);
}

std::unique_ptr<Store> Store::for_sweep(const std::string& file, const StoreIdentity& id,
                                        const std::vector<std::string>& parameter_columns) {
  if (!fs::path(file).parent_path().empty())
    util::create_folders(fs::path(file).parent_path().string(), "the store's folder");
  std::unique_ptr<Store> s(new Store(file, true));
  // A new file, or one whose creation was cut short (the schema is one transaction, so it holds
  // no table at all), gets the schema; any other file must already be a store of this sweep.
  if (s->db_.prepare("SELECT 1 FROM sqlite_master").step() == false) s->create(id, parameter_columns);
  s->load();
  const StoreIdentity& have = s->identity_;
  const std::string other = file + ": error: this store holds another sweep (";
  const std::string advice = "); remove it or give another --store";
  if (have.base_hash != id.base_hash) throw config::InputError(other + "its base config differs" + advice);
  if (have.points_hash != id.points_hash) throw config::InputError(other + "its set of points differs" + advice);
  if (have.shard != id.shard)
    throw config::InputError(file + ": error: this store holds " +
                             (have.shard.empty() ? "the whole sweep" : "shard " + have.shard) + ", not " +
                             (id.shard.empty() ? "the whole sweep" : "shard " + id.shard) + advice.substr(1));
  return s;
}

std::unique_ptr<Store> Store::open(const std::string& file, bool writable) {
  std::error_code ec;  // a name too long to look up is no store either
  if (!fs::is_regular_file(file, ec)) throw config::InputError(file + ": error: no such store");
  std::unique_ptr<Store> s(new Store(file, writable));
  s->load();
  return s;
}

std::unique_ptr<Store> Store::merge_target(const std::string& file, Store& like) {
  StoreIdentity id = like.identity();
  id.shard = "";
  return for_sweep(file, id, like.columns_of_kind("parameter"));
}

std::vector<std::string> Store::columns_of_kind(const std::string& kind) {
  std::vector<std::string> out;
  auto st = db_.prepare("SELECT name FROM columns WHERE kind = ? ORDER BY position");
  st.bind(1, kind);
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void Store::add_points(const std::vector<PointRow>& rows) {
  const auto params = columns_of_kind("parameter");
  std::string sql = "INSERT OR IGNORE INTO points (point_id, point_index, status, seed, overrides, command";
  for (const auto& p : params) sql += ", " + quote(p);
  sql += ") VALUES (?, ?, 'pending', ?, ?, ?";
  for (std::size_t i = 0; i < params.size(); ++i) sql += ", ?";
  sql += ")";
  sql::Transaction t(db_);
  auto st = db_.prepare(sql);
  for (const auto& r : rows) {
    st.bind(1, r.id).bind(2, r.index).bind(3, r.seed).bind(4, r.overrides).bind(5, r.command);
    for (std::size_t i = 0; i < params.size(); ++i) st.bind(static_cast<int>(6 + i), r.parameters.at(i));
    st.step();
    st.reset();
  }
  t.commit();
}

std::vector<std::string> Store::to_run(bool retry_failed) {
  auto st = db_.prepare(std::string("SELECT point_id FROM points WHERE status = 'pending'") +
                        (retry_failed ? " OR status = 'failed'" : "") + " ORDER BY point_index");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::string Store::metric_column(const Metric& m, std::map<std::string, std::string>& created) {
  if (auto it = metric_columns_.find(m.name); it != metric_columns_.end()) return it->second;
  if (auto it = created.find(m.name); it != created.end()) return it->second;
  // A metric named like another column (a varied config key such as mapping.bits_per_cell, or a
  // bookkeeping column) is stored under report.<name>.
  std::string column = m.name;
  auto taken = db_.prepare("SELECT 1 FROM columns WHERE name = ?");
  taken.bind(1, column);
  bool clash = taken.step();
  for (const auto& c : kLeading) clash = clash || c == column;
  for (const auto& c : kTrailing) clash = clash || c == column;
  if (clash) column = "report." + m.name;
  db_.exec("ALTER TABLE points ADD COLUMN " + quote(column));
  auto ins = db_.prepare(
      "INSERT INTO columns (name, kind, source, unit, position) "
      "VALUES (?, 'metric', ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM columns))");
  ins.bind(1, column).bind(2, m.name).bind(3, m.unit);
  ins.step();
  created[m.name] = column;
  return column;
}

void Store::finish(const std::string& id, const Outcome& o) {
  sql::Transaction t(db_);
  std::map<std::string, std::string> created;
  std::string sql = "UPDATE points SET status = ?, error = ?, wall_s = ?, host = ?, finished_utc = ?, report = ?";
  std::vector<sql::Cell> values = {std::string(o.done ? "done" : "failed"),
                                   o.done ? sql::Cell{} : sql::Cell{o.error},
                                   o.wall_s,
                                   o.host,
                                   utc_now(),
                                   o.done ? sql::Cell{o.report} : sql::Cell{}};
  for (const auto& m : o.metrics) {
    sql += ", " + quote(metric_column(m, created)) + " = ?";
    values.push_back(m.value);
  }
  sql += " WHERE point_id = ?";
  values.emplace_back(id);
  auto st = db_.prepare(sql);
  for (std::size_t i = 0; i < values.size(); ++i) st.bind(static_cast<int>(i + 1), values[i]);
  st.step();
  t.commit();
  metric_columns_.insert(created.begin(), created.end());
}

Counts Store::counts() {
  Counts c;
  auto st = db_.prepare("SELECT status, COUNT(*) FROM points GROUP BY status");
  while (st.step()) {
    const std::string s = st.text(0);
    (s == "done" ? c.done : s == "failed" ? c.failed : c.pending) += st.integer(1);
  }
  return c;
}

std::vector<std::pair<std::int64_t, std::string>> Store::failures() {
  std::vector<std::pair<std::int64_t, std::string>> out;
  auto st = db_.prepare("SELECT point_index, error FROM points WHERE status = 'failed' ORDER BY point_index");
  while (st.step()) out.emplace_back(st.integer(0), st.text(1));
  return out;
}

void Store::check_same_sweep(const Store& other) const {
  if (identity_.base_hash != other.identity_.base_hash || identity_.points_hash != other.identity_.points_hash)
    throw config::InputError(file() + ": error: holds another sweep than " + other.file() +
                             " (its base config or its points differ); only stores of one sweep merge");
}

void Store::copy_to(const std::string& target) {
  auto st = db_.prepare("VACUUM INTO ?");
  st.bind(1, target);
  st.step();
}

void Store::merge_from(const std::string& other_file) {
  const auto other = Store::open(other_file, false);
  other->check_same_sweep(*this);
  struct Column {
    std::string name, kind, source, unit;
  };
  std::vector<Column> incoming;
  auto cols = other->db_.prepare("SELECT name, kind, source, unit FROM columns ORDER BY position");
  while (cols.step()) incoming.push_back({cols.text(0), cols.text(1), cols.text(2), cols.text(3)});
  std::vector<std::string> names = kLeading;
  for (const auto& c : incoming) names.push_back(c.name);
  names.insert(names.end(), kTrailing.begin(), kTrailing.end());

  auto attach = db_.prepare("ATTACH DATABASE ? AS src");
  attach.bind(1, other_file);
  attach.step();
  try {
    sql::Transaction t(db_);
    auto known = db_.prepare("SELECT 1 FROM main.columns WHERE name = ?");
    for (const auto& c : incoming) {
      known.bind(1, c.name);
      const bool have = known.step();
      known.reset();
      if (have) continue;
      db_.exec("ALTER TABLE main.points ADD COLUMN " + quote(c.name));
      auto ins = db_.prepare(
          "INSERT INTO main.columns (name, kind, source, unit, position) "
          "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM main.columns))");
      ins.bind(1, c.name).bind(2, c.kind).bind(3, c.source).bind(4, c.unit);
      ins.step();
    }
    std::string updates;
    for (const auto& n : names)
      if (n != "point_id") updates += (updates.empty() ? "" : ", ") + quote(n) + " = excluded." + quote(n);
    db_.exec("INSERT INTO main.points (" + join_quoted(names) + ") SELECT " + join_quoted(names) +
             " FROM src.points WHERE true ON CONFLICT (point_id) DO UPDATE SET " + updates + " WHERE " +
             status_rank("excluded.status") + " > " + status_rank("main.points.status"));
    t.commit();
  } catch (...) {
    db_.exec("DETACH DATABASE src");
    throw;
  }
  db_.exec("DETACH DATABASE src");
  load();
}

void Store::write_csv(std::ostream& out) {
  std::vector<std::string> names = kLeading;
  for (const auto& kind : {"parameter", "metric"})
    for (const auto& c : columns_of_kind(kind)) names.push_back(c);
  for (const auto& c : kTrailing)
    if (!kNotInCsv.count(c)) names.push_back(c);
  auto st = db_.prepare("SELECT " + join_quoted(names) + " FROM points ORDER BY point_index");
  for (std::size_t i = 0; i < names.size(); ++i) out << (i ? "," : "") << csv_field(names[i]);
  out << "\n";
  while (st.step()) {
    for (int i = 0; i < st.columns(); ++i) out << (i ? "," : "") << csv_field(st.column(i));
    out << "\n";
  }
}

}  // namespace cimsim::sweep
