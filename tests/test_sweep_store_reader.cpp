// A store whose writer died inside a transaction can still be read: the reader replays the
// journal the writer left, as `cimsim sweep status` and `export` must after a killed sweep.

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "sim/sweep/sqlite.hpp"
#include "support.hpp"

using namespace cimsim;

TEST_CASE("sweep store: a reader opens a store whose writer was killed mid-transaction", "[sweep]") {
  test::TempDir dir;
  const std::string file = dir.path() + "/s.db";
  {
    sweep::sql::Database db(file, sweep::sql::Database::Mode::ReadWriteCreate);
    db.exec("CREATE TABLE points (id INTEGER PRIMARY KEY, v TEXT)");
    db.exec("INSERT INTO points (v) VALUES ('kept'), ('kept')");
  }
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Changes more pages than the cache holds, so they reach the file before the commit, then
    // dies as SIGKILL would leave it: no rollback, no close.
    sweep::sql::Database db(file, sweep::sql::Database::Mode::ReadWriteCreate);
    db.exec("PRAGMA cache_size = 2");
    db.exec("BEGIN IMMEDIATE");
    db.exec("INSERT INTO points (v) SELECT printf('%.4000c', 'x') FROM (WITH RECURSIVE n(i) AS "
            "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n)");
    std::_Exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(std::filesystem::exists(file + "-journal"));  // the killed writer's journal is there

  sweep::sql::Database reader(file, sweep::sql::Database::Mode::ReadOnly);
  auto st = reader.prepare("SELECT COUNT(*) FROM points");
  REQUIRE(st.step());
  CHECK(st.integer(0) == 2);  // the unfinished transaction is rolled back, the committed rows stay
  CHECK_THROWS_WITH(reader.exec("INSERT INTO points (v) VALUES ('no')"),
                    Catch::Contains("attempt to write a readonly database"));
}
