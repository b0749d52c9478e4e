#pragma once
// A thin layer over SQLite's C interface: a connection, prepared statements, transactions.
// Every failure throws StoreError with the database file and SQLite's message, except a file that
// is not a database at all (config::InputError) and a failure of the file system: the store cannot
// be created there, the place is read-only, the disk is full (config::IoError, exit status 3).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>

struct sqlite3;
struct sqlite3_stmt;

namespace cimsim::sweep::sql {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One SQL value: NULL, integer, real or text.
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::string& file);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;

  Statement& bind(int position, const Cell& value);  // 1-based
  bool step();                                        // true while a row is ready
  void reset();
  int columns() const;
  std::string column_name(int i) const;
  Cell column(int i) const;
  std::string text(int i) const;  // NULL as ""
  std::int64_t integer(int i) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string file_;
};

class Database {
 public:
  enum class Mode { ReadOnly, ReadWriteCreate };
  Database(const std::string& file, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  Statement prepare(const std::string& sql) { return Statement(db_, sql, file_); }
  bool has_table(const std::string& name);
  const std::string& file() const { return file_; }

 private:
  sqlite3* db_ = nullptr;
  std::string file_;
};

// BEGIN IMMEDIATE on construction; rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// "name" with embedded quotes doubled: any column name is safe in SQL.
std::string quote(const std::string& identifier);

}  // namespace cimsim::sweep::sql
