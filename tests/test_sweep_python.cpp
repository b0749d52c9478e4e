// scripts/cimsim.py, the Python helper, against the real executable (tests/python/check_cimsim_py.py).

#include <catch2/catch.hpp>

#include <cstdlib>

#include "support.hpp"

using namespace cimsim;

TEST_CASE("sweep python: the helper runs configs and sweeps and returns their results", "[sweep][python]") {
  test::TempDir dir;
  ::setenv("CIMSIM_BINARY", test::binary().c_str(), 1);
  const auto r = test::run_program(
      {"/usr/bin/python3", test::source_dir() + "/tests/python/check_cimsim_py.py", test::source_dir(), dir.path()});
  ::unsetenv("CIMSIM_BINARY");
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::EndsWith("ok\n"));
}
