#include "sim/sweep/sqlite.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cstring>

#include "sim/config/error.hpp"

namespace cimsim::sweep::sql {

namespace {

// Whether SQLite's result code is the file system's doing: the store cannot be opened or
// created where it is, the place is read-only, the disk is full, reading or writing failed.
bool is_io(int code) {
  switch (code & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_FULL:
    case SQLITE_IOERR: return true;
    default: return false;
  }
}

// The error for SQLite's state on `db` (null: out of memory) about `file`: bad input, an I/O
// failure (with the operating system's reason where SQLite kept one), or a store error.
[[noreturn]] void raise(sqlite3* db, const std::string& file, const std::string& what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
  const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
  // Another kind of file where a store should be is the user's input, not a failure.
  if ((code & 0xff) == SQLITE_NOTADB)
    throw config::InputError(file + ": error: not a cimsim sweep store (not an SQLite database)");
  if (is_io(code)) {
    const int os = db ? sqlite3_system_errno(db) : 0;
    throw config::IoError(file, what, message + (os ? " (" + std::string(std::strerror(os)) + ")" : ""));
  }
  throw StoreError(file + ": error: " + what + ": " + message);
}

[[noreturn]] void fail(sqlite3* db, const std::string& file, const std::string& what) { raise(db, file, what); }

// Writers hold the lock for one point's transaction, a few milliseconds; readers and a second
// connection wait this long for it before giving up.
constexpr int kBusyTimeoutMs = 30000;

}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql, const std::string& file) : db_(db), file_(file) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) fail(db, file, "cannot prepare '" + sql + "'");
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_), file_(std::move(other.file_)) {
  other.stmt_ = nullptr;
}

Statement& Statement::bind(int position, const Cell& value) {
  int rc = SQLITE_OK;
  if (std::holds_alternative<std::monostate>(value)) rc = sqlite3_bind_null(stmt_, position);
  else if (const auto* i = std::get_if<std::int64_t>(&value)) rc = sqlite3_bind_int64(stmt_, position, *i);
  else if (const auto* d = std::get_if<double>(&value)) rc = sqlite3_bind_double(stmt_, position, *d);
  else {
    const auto& s = std::get<std::string>(value);
    rc = sqlite3_bind_text(stmt_, position, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  if (rc != SQLITE_OK) fail(db_, file_, "cannot bind a value");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, file_, "cannot run '" + std::string(sqlite3_sql(stmt_)) + "'");
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::columns() const { return sqlite3_column_count(stmt_); }

std::string Statement::column_name(int i) const { return sqlite3_column_name(stmt_, i); }

Cell Statement::column(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(stmt_, i));
    case SQLITE_FLOAT: return sqlite3_column_double(stmt_, i);
    case SQLITE_NULL: return std::monostate{};
    default: return text(i);
  }
}

std::string Statement::text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
}

std::int64_t Statement::integer(int i) const { return sqlite3_column_int64(stmt_, i); }

Database::Database(const std::string& file, Mode mode) : file_(file) {
  // A reader opens the file read-write when it may, and promises not to write with query_only: a
  // store whose writer was killed has a write-ahead log that the next connection must replay,
  // and a read-only connection cannot ("attempt to write a readonly database").
  const bool replay_allowed = mode == Mode::ReadOnly && ::access(file.c_str(), W_OK) == 0;
  const int flags = mode == Mode::ReadWriteCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                    : replay_allowed              ? SQLITE_OPEN_READWRITE
                                                  : SQLITE_OPEN_READONLY;
  const auto give_up = [&] {
    sqlite3* db = db_;
    db_ = nullptr;
    try {
      raise(db, file, "cannot open the store");
    } catch (...) {
      sqlite3_close(db);
      throw;
    }
  };
  if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) give_up();
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  if (mode == Mode::ReadOnly && sqlite3_exec(db_, "PRAGMA query_only = 1", nullptr, nullptr, nullptr) != SQLITE_OK)
    give_up();
}

Database::~Database() { sqlite3_close(db_); }

void Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    raise(db_, file_, "cannot run '" + sql.substr(0, 200) + "'");
  }
}

bool Database::has_table(const std::string& name) {
  Statement st = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st.bind(1, name);
  return st.step();
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // Nothing more to do: SQLite rolls back an unfinished transaction when the file is next opened.
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

std::string quote(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace cimsim::sweep::sql
